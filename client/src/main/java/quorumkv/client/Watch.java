package quorumkv.client;

/** An open watch (see {@link KvClient#watch}). */
public interface Watch extends AutoCloseable {
  /** The revision delivery continues from: every event below it has been delivered to the listener. */
  long nextRevision();

  /** False once closed or ended by an error. */
  boolean isOpen();

  /** Stops the watch; the listener hears nothing more (no error either). */
  @Override
  void close();
}
