package quorumkv.server.admin;

/** A membership or leadership change that was refused or failed; {@link #isConflict()}: the request does not fit the current configuration. */
public final class AdminException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean conflict;

  public AdminException(String message, boolean conflict, Throwable cause) {
    super(message, cause);
    this.conflict = conflict;
  }

  public boolean isConflict() {
    return conflict;
  }
}
