/** Membership and leadership changes through Ratis's admin API. */
package quorumkv.server.admin;
