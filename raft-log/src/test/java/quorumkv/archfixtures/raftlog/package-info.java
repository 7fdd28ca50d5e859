/**
 * Test fixtures for raft-log's ArchitectureTest: each subpackage mirrors raft-log's layout and breaks
 * exactly one rule, so the test can show the rule fails on it. Never imported by real code.
 */
package quorumkv.archfixtures.raftlog;
