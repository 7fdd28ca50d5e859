/**
 * The process entry point only: {@link quorumkv.server.KvServerMain} hands its arguments to the
 * command line ({@code cli}). Everything else lives in a subpackage, so nothing depends on this package
 * and no package cycle can run through it.
 */
package quorumkv.server;
