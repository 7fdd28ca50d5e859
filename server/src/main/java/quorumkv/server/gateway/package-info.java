/** How a node serves API calls for any member: a Ratis client to its own group, with a session for exactly-once writes. */
package quorumkv.server.gateway;
