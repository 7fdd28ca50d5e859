/** Fixture: a checker package that imports Ratis, which a checker may not. Test code only. */
package quorumkv.archfixtures.linearizability.leak.checker;
