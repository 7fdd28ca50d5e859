/** Fixture: the other half of a package cycle (imports {@code cycle.runner}). Test code only. */
package quorumkv.archfixtures.linearizability.cycle.report;
