/** Fixture: one half of a package cycle (imports {@code cycle.report}, which imports this). Test code only. */
package quorumkv.archfixtures.linearizability.cycle.runner;
