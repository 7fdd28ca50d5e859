package quorumkv.raftlog.command;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The wire format of requests and their commands (see {@link ResultCodec} for replies); JDK only, so
 * clients can link it alone.
 *
 * <pre>
 * message  := FORMAT_VERSION:u8 kind:u8 body            (no trailing bytes)
 * bytes    := length:i32 content                        (0 &lt;= length &lt;= remaining)
 * list(x)  := count:i32 x*                              (count &lt;= remaining bytes)
 * request  := kind 1 (write) session:i64 i64 callId:i64 firstUnacked:i64 list(command)
 *           | kind 2 (read) list(command)
 *           | kind 3 (alarm) nodeId:bytes(utf8) raised:u8
 *           | kind 4 (auth update) change
 *           | kind 5 (auth read)
 *           | kind 6 (as caller) identity:bytes(utf8) configAdmin:u8 inner:bytes(a whole request message)
 *           | kind 7 (compact) revision:i64
 *           | kind 8 (backup record) outcome:u8 (1 written, 2 verified, 3 verify failed) slot:i64 revision:i64
 *             size:i64 createdAtMillis:i64
 * change   := op:u8 (1 set-enabled: u8 | 2 add-user, 3 delete-user: user | 4 add-role, 5 delete-role: role
 *           | 6 grant-role, 7 revoke-role: user role | 8 grant, 9 revoke: role access:u8 prefix:bytes)
 * </pre>
 *
 * Decoding checks every length and tag and throws {@link CommandCodecException}, so arbitrary bytes
 * never decode silently into a command. Changing the layout means a new {@link #FORMAT_VERSION}.
 */
public final class RequestCodec {
  /** The version byte of every request and response. */
  public static final int FORMAT_VERSION = WireWriter.FORMAT_VERSION;

  private static final int KIND_WRITE = 1, KIND_READ = 2, KIND_ALARM = 3, KIND_AUTH_UPDATE = 4, KIND_AUTH_READ = 5,
      KIND_AS_CALLER = 6, KIND_COMPACT = 7, KIND_BACKUP_RECORD = 8, KIND_GROUP = 9;
  private static final int SET_ENABLED = 1, ADD_USER = 2, DELETE_USER = 3, ADD_ROLE = 4, DELETE_ROLE = 5,
      GRANT_ROLE = 6, REVOKE_ROLE = 7, GRANT = 8, REVOKE = 9;

  /** A request's kind, read from its first two bytes without decoding the rest (for the Raft port's guard). */
  public enum Kind { WRITE, READ, ALARM, AUTH_UPDATE, AUTH_READ, AS_CALLER, COMPACT, BACKUP_RECORD, GROUP, UNKNOWN }
  /** Command tags; a put with a lease has its own tag, so entries logged before leases still decode. */
  private static final int GET = 1, PUT = 2, DELETE = 3, CAS = 4, PUT_IF_ABSENT = 5, RANGE = 6, TXN = 7,
      PUT_WITH_LEASE = 8, LEASE = 9;
  private static final int EXPECT_REVISION = 1, EXPECT_VALUE = 2;

  private RequestCodec() {}

  /** The kind of the request in {@code bytes}; {@link Kind#UNKNOWN} for anything that is not a request of this format. */
  public static Kind kindOf(byte[] bytes) {
    if (bytes == null || bytes.length < 2 || (bytes[0] & 0xFF) != FORMAT_VERSION) {
      return Kind.UNKNOWN;
    }
    switch (bytes[1]) {
      case KIND_WRITE: return Kind.WRITE;
      case KIND_READ: return Kind.READ;
      case KIND_ALARM: return Kind.ALARM;
      case KIND_AUTH_UPDATE: return Kind.AUTH_UPDATE;
      case KIND_AUTH_READ: return Kind.AUTH_READ;
      case KIND_AS_CALLER: return Kind.AS_CALLER;
      case KIND_COMPACT: return Kind.COMPACT;
      case KIND_BACKUP_RECORD: return Kind.BACKUP_RECORD;
      case KIND_GROUP: return Kind.GROUP;
      default: return Kind.UNKNOWN;
    }
  }

  /** The bytes an envelope for {@code caller} adds to the request it carries (limits count the request alone). */
  public static int envelopeOverhead(Caller caller) {
    return 1 + 1 + 4 + caller.identity().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1 + 4;
  }

  /** Wraps an encoded request in an {@link Request.AsCaller} envelope without decoding it. */
  public static byte[] asCaller(Caller caller, byte[] inner) {
    WireWriter w = WireWriter.message();
    w.u8(KIND_AS_CALLER);
    w.string(caller.identity());
    w.bool(caller.configAdmin());
    w.bytes(Bytes.wrap(inner));
    return w.toByteArray();
  }

  /**
   * A {@link Request.Group} of already encoded members (each a write, or a write in a caller envelope),
   * without decoding them: how a node combines the writes it received into one log entry.
   */
  public static byte[] group(List<byte[]> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a group carries at least one write");
    }
    WireWriter w = WireWriter.message();
    w.u8(KIND_GROUP);
    w.i32(members.size());
    for (byte[] m : members) {
      w.bytes(Bytes.wrap(m));
    }
    return w.toByteArray();
  }

  /** The bytes a group adds to each encoded member (its length prefix). */
  public static final int GROUP_MEMBER_OVERHEAD = 4;

  /** The encoded members of the group in {@code bytes}, each still encoded (a write or an envelope of one). */
  public static List<byte[]> groupMembers(byte[] bytes) {
    return WireReader.message(bytes, r -> {
      if (r.u8() != KIND_GROUP) {
        throw new CommandCodecException("not a group of writes");
      }
      int n = r.count();
      if (n < 1) {
        throw new CommandCodecException("a group carries at least one write");
      }
      List<byte[]> members = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        members.add(r.bytes().unsafeArray());
      }
      return members;
    });
  }

  public static byte[] encode(Request request) {
    if (request instanceof Request.AsCaller envelope) {
      return asCaller(envelope.caller(), encode(envelope.inner()));
    }
    if (request instanceof Request.Group group) {
      return group(group.members().stream().map(RequestCodec::encode).toList());
    }
    WireWriter w = WireWriter.message();
    if (request instanceof Request.AuthUpdate update) {
      w.u8(KIND_AUTH_UPDATE);
      writeChange(w, update.change());
      return w.toByteArray();
    }
    if (request instanceof Request.AuthRead) {
      w.u8(KIND_AUTH_READ);
      return w.toByteArray();
    }
    if (request instanceof Request.Compact compact) {
      w.u8(KIND_COMPACT);
      w.i64(compact.revision());
      return w.toByteArray();
    }
    if (request instanceof Request.BackupRecord record) {
      w.u8(KIND_BACKUP_RECORD);
      w.u8(record.outcome().ordinal() + 1);
      w.i64(record.slot());
      w.i64(record.revision());
      w.i64(record.sizeBytes());
      w.i64(record.createdAtMillis());
      w.i64(record.incarnation());
      return w.toByteArray();
    }
    if (request instanceof Request.Alarm alarm) {
      w.u8(KIND_ALARM);
      w.string(alarm.nodeId());
      w.bool(alarm.raised());
      return w.toByteArray();
    }
    if (request instanceof Request.Write write) {
      w.u8(KIND_WRITE);
      w.i64(write.sessionId().getMostSignificantBits());
      w.i64(write.sessionId().getLeastSignificantBits());
      w.i64(write.callId());
      w.i64(write.firstUnackedCallId());
    } else {
      w.u8(KIND_READ);
    }
    writeCommands(w, request.commands());
    return w.toByteArray();
  }

  public static Request decode(byte[] bytes) {
    return WireReader.message(bytes, r -> {
      int kind = r.u8();
      if (kind == KIND_WRITE) {
        UUID session = new UUID(r.i64(), r.i64());
        long callId = r.i64();
        long firstUnacked = r.i64();
        return new Request.Write(session, callId, firstUnacked, readCommands(r, true));
      } else if (kind == KIND_READ) {
        return new Request.Read(readCommands(r, true));
      } else if (kind == KIND_ALARM) {
        String node = r.string();
        int size = node.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (size == 0 || size > Request.Alarm.MAX_NODE_ID_BYTES) {
          throw new CommandCodecException("an alarm's node id has " + size + " bytes (1 to "
              + Request.Alarm.MAX_NODE_ID_BYTES + ")");
        }
        return new Request.Alarm(node, r.bool());
      } else if (kind == KIND_AUTH_UPDATE) {
        return new Request.AuthUpdate(readChange(r));
      } else if (kind == KIND_AUTH_READ) {
        return new Request.AuthRead();
      } else if (kind == KIND_COMPACT) {
        long revision = r.i64();
        if (revision < 1) {
          throw new CommandCodecException("compaction to revision " + revision + ": revisions start at 1");
        }
        return new Request.Compact(revision);
      } else if (kind == KIND_BACKUP_RECORD) {
        int outcome = r.u8();
        Request.BackupRecord.Outcome[] outcomes = Request.BackupRecord.Outcome.values();
        if (outcome < 1 || outcome > outcomes.length) {
          throw new CommandCodecException("unknown backup outcome " + outcome);
        }
        long slot = r.i64(), revision = r.i64(), size = r.i64(), created = r.i64();
        if (slot < 0 || revision < 0 || size < 0 || created < 0) {
          throw new CommandCodecException("a backup record with a negative slot, revision, size or time");
        }
        // Records written before incarnations existed end here.
        long incarnation = r.hasRemaining() ? r.i64() : 0;
        return new Request.BackupRecord(outcomes[outcome - 1], slot, revision, size, created, incarnation);
      } else if (kind == KIND_AS_CALLER) {
        Caller caller = new Caller(r.string(), r.bool());
        byte[] inner = r.bytes().unsafeArray();
        Kind innerKind = kindOf(inner);
        if (innerKind == Kind.AS_CALLER || innerKind == Kind.ALARM || innerKind == Kind.COMPACT
            || innerKind == Kind.BACKUP_RECORD || innerKind == Kind.GROUP) {
          throw new CommandCodecException("an envelope carries a write, a read or an auth request, not " + innerKind);
        }
        return new Request.AsCaller(caller, decode(inner));
      } else if (kind == KIND_GROUP) {
        int n = r.count();
        if (n < 1) {
          throw new CommandCodecException("a group carries at least one write");
        }
        List<Request> members = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          Request member = decode(r.bytes().unsafeArray());
          Request inner = member instanceof Request.AsCaller e ? e.inner() : member;
          if (!(inner instanceof Request.Write)) {
            throw new CommandCodecException("a group carries writes, not " + inner.getClass().getSimpleName());
          }
          members.add(member);
        }
        return new Request.Group(members);
      }
      throw new CommandCodecException("unknown request kind " + kind);
    });
  }

  private static void writeChange(WireWriter w, AuthChange change) {
    if (change instanceof AuthChange.SetEnabled c) {
      w.u8(SET_ENABLED);
      w.bool(c.enabled());
    } else if (change instanceof AuthChange.AddUser c) {
      w.u8(ADD_USER);
      w.string(c.user());
    } else if (change instanceof AuthChange.DeleteUser c) {
      w.u8(DELETE_USER);
      w.string(c.user());
    } else if (change instanceof AuthChange.AddRole c) {
      w.u8(ADD_ROLE);
      w.string(c.role());
    } else if (change instanceof AuthChange.DeleteRole c) {
      w.u8(DELETE_ROLE);
      w.string(c.role());
    } else if (change instanceof AuthChange.GrantRole c) {
      w.u8(GRANT_ROLE);
      w.string(c.user());
      w.string(c.role());
    } else if (change instanceof AuthChange.RevokeRole c) {
      w.u8(REVOKE_ROLE);
      w.string(c.user());
      w.string(c.role());
    } else if (change instanceof AuthChange.GrantPermission c) {
      w.u8(GRANT);
      w.string(c.role());
      AuthState.writePermission(w, c.permission());
    } else if (change instanceof AuthChange.RevokePermission c) {
      w.u8(REVOKE);
      w.string(c.role());
      AuthState.writePermission(w, c.permission());
    } else {
      throw new IllegalArgumentException("unknown auth change " + change);
    }
  }

  private static AuthChange readChange(WireReader r) {
    int op = r.u8();
    switch (op) {
      case SET_ENABLED: return new AuthChange.SetEnabled(r.bool());
      case ADD_USER: return new AuthChange.AddUser(r.string());
      case DELETE_USER: return new AuthChange.DeleteUser(r.string());
      case ADD_ROLE: return new AuthChange.AddRole(r.string());
      case DELETE_ROLE: return new AuthChange.DeleteRole(r.string());
      case GRANT_ROLE: return new AuthChange.GrantRole(r.string(), r.string());
      case REVOKE_ROLE: return new AuthChange.RevokeRole(r.string(), r.string());
      case GRANT: return new AuthChange.GrantPermission(r.string(), AuthState.readPermission(r));
      case REVOKE: return new AuthChange.RevokePermission(r.string(), AuthState.readPermission(r));
      default: throw new CommandCodecException("unknown auth change " + op);
    }
  }

  /** Encodes one command alone (for tests and tools). */
  public static byte[] encodeCommand(Command command) {
    WireWriter w = new WireWriter();
    writeCommand(w, command);
    return w.toByteArray();
  }

  private static void writeCommand(WireWriter w, Command c) {
    c.accept(new CommandWriter(w));
  }

  /** Writes one command: its tag, then its fields in declaration order. */
  private static final class CommandWriter implements Command.Visitor<Void> {
    private final WireWriter w;

    CommandWriter(WireWriter w) {
      this.w = w;
    }

    @Override
    public Void visitGet(Command.Get g) {
      w.u8(GET);
      w.bytes(g.key());
      return null;
    }

    @Override
    public Void visitPut(Command.Put p) {
      w.u8(p.lease() == 0 ? PUT : PUT_WITH_LEASE);
      w.bytes(p.key());
      w.bytes(p.value());
      if (p.lease() != 0) {
        w.i64(p.lease());
      }
      return null;
    }

    @Override
    public Void visitLease(Command.Lease l) {
      w.u8(LEASE);
      w.u8(l.op().ordinal());
      w.i64(l.id());
      w.i64(l.ttlMillis());
      w.i64(l.renewedAt());
      return null;
    }

    @Override
    public Void visitDelete(Command.Delete d) {
      w.u8(DELETE);
      w.bytes(d.key());
      return null;
    }

    @Override
    public Void visitCompareAndSet(Command.CompareAndSet cas) {
      w.u8(CAS);
      w.bytes(cas.key());
      if (cas.expected() instanceof Command.Expected.Revision rev) {
        w.u8(EXPECT_REVISION);
        w.i64(rev.modRevision());
      } else {
        w.u8(EXPECT_VALUE);
        w.bytes(((Command.Expected.Value) cas.expected()).value());
      }
      w.bytes(cas.value());
      return null;
    }

    @Override
    public Void visitPutIfAbsent(Command.PutIfAbsent p) {
      w.u8(PUT_IF_ABSENT);
      w.bytes(p.key());
      w.bytes(p.value());
      return null;
    }

    @Override
    public Void visitRange(Command.Range r) {
      w.u8(RANGE);
      w.bytes(r.start());
      w.bytes(r.end());
      w.i32(r.limit());
      return null;
    }

    @Override
    public Void visitTxn(Command.Txn t) {
      w.u8(TXN);
      w.i32(t.guards().size());
      for (Guard g : t.guards()) {
        w.bytes(g.key());
        w.u8(g.target().ordinal());
        w.u8(g.op().ordinal());
        w.i64(g.number());
        w.bytes(g.value());
      }
      writeCommands(w, t.onSuccess());
      writeCommands(w, t.onFailure());
      return null;
    }
  }

  private static void writeCommands(WireWriter w, List<Command> commands) {
    w.i32(commands.size());
    for (Command c : commands) {
      writeCommand(w, c);
    }
  }

  private static List<Command> readCommands(WireReader r, boolean allowTxn) {
    int n = r.count();
    List<Command> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(readCommand(r, allowTxn));
    }
    return out;
  }

  private static Command readCommand(WireReader r, boolean allowTxn) {
    int tag = r.u8();
    switch (tag) {
      case GET: return new Command.Get(r.bytes());
      case PUT: return new Command.Put(r.bytes(), r.bytes());
      case DELETE: return new Command.Delete(r.bytes());
      case CAS: {
        Bytes key = r.bytes();
        int kind = r.u8();
        Command.Expected expected;
        if (kind == EXPECT_REVISION) {
          expected = new Command.Expected.Revision(r.i64());
        } else if (kind == EXPECT_VALUE) {
          expected = new Command.Expected.Value(r.bytes());
        } else {
          throw new CommandCodecException("unknown compare-and-set expectation " + kind);
        }
        return new Command.CompareAndSet(key, expected, r.bytes());
      }
      case PUT_IF_ABSENT: return new Command.PutIfAbsent(r.bytes(), r.bytes());
      case PUT_WITH_LEASE: return new Command.Put(r.bytes(), r.bytes(), r.i64());
      case LEASE: return new Command.Lease(r.enumValue(Command.Lease.Op.values()), r.i64(), r.i64(), r.i64());
      case RANGE: return new Command.Range(r.bytes(), r.bytes(), r.i32());
      case TXN: {
        if (!allowTxn) {
          throw new CommandCodecException("nested transaction");
        }
        int n = r.count();
        List<Guard> guards = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          Bytes key = r.bytes();
          Guard.Target target = r.enumValue(Guard.Target.values());
          Guard.Op op = r.enumValue(Guard.Op.values());
          guards.add(new Guard(key, target, op, r.i64(), r.bytes()));
        }
        return new Command.Txn(guards, readCommands(r, false), readCommands(r, false));
      }
      default: throw new CommandCodecException("unknown command tag " + tag);
    }
  }
}
