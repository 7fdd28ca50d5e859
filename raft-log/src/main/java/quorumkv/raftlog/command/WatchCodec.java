package quorumkv.raftlog.command;

import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of {@link WatchMessage}s:
 *
 * <pre>
 * message := FORMAT_VERSION:u8 kind:u8 body
 *   1 create  watchId:i64 key:bytes prefix:u8 startRevision:i64 withPrevious:u8 resume:u8
 *   2 cancel  watchId:i64
 *   3 created watchId:i64 startRevision:i64
 *   4 events  watchId:i64 next:i64 list(event)         (event as in {@link EventCodec}, without version)
 *   5 ended   watchId:i64 code:i32 message:bytes(utf8) oldest:i64
 * </pre>
 */
public final class WatchCodec {
  private static final int CREATE = 1, CANCEL = 2, CREATED = 3, EVENTS = 4, ENDED = 5;

  private WatchCodec() {}

  public static byte[] encode(WatchMessage message) {
    WireWriter w = WireWriter.message();
    if (message instanceof WatchMessage.Create c) {
      w.u8(CREATE);
      w.i64(c.watchId());
      w.bytes(c.key());
      w.bool(c.prefix());
      w.i64(c.startRevision());
      w.bool(c.withPrevious());
      w.bool(c.resume());
    } else if (message instanceof WatchMessage.Cancel c) {
      w.u8(CANCEL);
      w.i64(c.watchId());
    } else if (message instanceof WatchMessage.Created c) {
      w.u8(CREATED);
      w.i64(c.watchId());
      w.i64(c.startRevision());
    } else if (message instanceof WatchMessage.Events e) {
      w.u8(EVENTS);
      w.i64(e.watchId());
      w.i64(e.next());
      w.i32(e.events().size());
      for (Event event : e.events()) {
        EventCodec.write(w, event);
      }
    } else if (message instanceof WatchMessage.Ended e) {
      w.u8(ENDED);
      w.i64(e.watchId());
      w.i32(e.code().number());
      w.string(e.message());
      w.i64(e.oldest());
    }
    return w.toByteArray();
  }

  public static WatchMessage decode(byte[] bytes) {
    return WireReader.message(bytes, r -> {
      int kind = r.u8();
      switch (kind) {
        case CREATE: return new WatchMessage.Create(r.i64(), r.bytes(), r.bool(), r.i64(), r.bool(), r.bool());
        case CANCEL: return new WatchMessage.Cancel(r.i64());
        case CREATED: return new WatchMessage.Created(r.i64(), r.i64());
        case EVENTS: {
          long id = r.i64();
          long next = r.i64();
          int n = r.count();
          List<Event> events = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            events.add(EventCodec.read(r));
          }
          return new WatchMessage.Events(id, next, events);
        }
        case ENDED: return new WatchMessage.Ended(r.i64(), ErrorCode.ofNumber(r.i32()), r.string(), r.i64());
        default: throw new CommandCodecException("unknown watch message kind " + kind);
      }
    });
  }
}
