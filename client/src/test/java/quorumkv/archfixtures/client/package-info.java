/**
 * Test fixtures for the client's ArchitectureTest: each subpackage holds a {@code client} package laid out
 * like the real one and breaks exactly one rule, so the test can show the rule fails on it. Never imported
 * by real code.
 */
package quorumkv.archfixtures.client;
