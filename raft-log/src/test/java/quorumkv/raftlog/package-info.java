/** raft-log's build-checked architecture rules (ArchUnit); the rules' fixtures live in quorumkv.archfixtures.raftlog. */
package quorumkv.raftlog;
