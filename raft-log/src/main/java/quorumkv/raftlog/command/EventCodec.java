package quorumkv.raftlog.command;

/**
 * The stored and transmitted form of an {@link Event}:
 *
 * <pre>
 * event := FORMAT_VERSION:u8 type:u8 (0 put, 1 delete) kv previous:optionalKv
 * </pre>
 */
public final class EventCodec {
  private EventCodec() {}

  public static byte[] encode(Event event) {
    WireWriter w = WireWriter.message();
    write(w, event);
    return w.toByteArray();
  }

  public static Event decode(byte[] bytes) {
    return WireReader.message(bytes, EventCodec::read);
  }

  static void write(WireWriter w, Event event) {
    w.u8(event.type().ordinal());
    w.kv(event.kv());
    w.optionalKv(event.previous());
  }

  static Event read(WireReader r) {
    return new Event(r.enumValue(Event.Type.values()), r.kv(), r.optionalKv());
  }
}
