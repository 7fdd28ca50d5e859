/** A node's view of its Raft group (roles, indexes, follower lag) and the readiness rule built on it. */
package quorumkv.server.status;
