/**
 * Test fixtures for the server's ArchitectureTest: each subpackage mirrors the server's layout and breaks
 * exactly one rule, so the test can show the rule fails on it. Never imported by real code.
 */
package quorumkv.archfixtures.server;
