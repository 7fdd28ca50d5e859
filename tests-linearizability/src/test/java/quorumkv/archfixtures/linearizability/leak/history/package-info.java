/** Fixture: a history package that imports the server, which a history may not. Test code only. */
package quorumkv.archfixtures.linearizability.leak.history;
