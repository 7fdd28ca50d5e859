package quorumkv.raftlog.command;

import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for every command, guard, result and envelope of the wire protocol. */
final class CommandArbitraries {
  private CommandArbitraries() {}

  static Arbitrary<Bytes> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Bytes::wrap);
  }

  static Arbitrary<Guard> guards() {
    return Combinators.combine(bytes(), Arbitraries.of(Guard.Target.class), Arbitraries.of(Guard.Op.class),
        Arbitraries.longs(), bytes()).as(Guard::new);
  }

  static Arbitrary<Command> simpleCommands() {
    return Arbitraries.oneOf(
        bytes().map(Command.Get::new),
        Combinators.combine(bytes(), bytes()).as(Command.Put::new),
        Combinators.combine(bytes(), bytes(), Arbitraries.longs()).as(Command.Put::new),
        bytes().map(Command.Delete::new),
        Combinators.combine(bytes(), bytes(), Arbitraries.integers()).as(Command.Range::new));
  }

  static Arbitrary<Command> commands() {
    Arbitrary<Command.Expected> expected = Arbitraries.oneOf(
        Arbitraries.longs().map(Command.Expected.Revision::new), bytes().map(Command.Expected.Value::new));
    return Arbitraries.oneOf(
        simpleCommands(),
        Combinators.combine(bytes(), expected, bytes()).as(Command.CompareAndSet::new),
        Combinators.combine(bytes(), bytes()).as(Command.PutIfAbsent::new),
        Combinators.combine(Arbitraries.of(Command.Lease.Op.class), Arbitraries.longs(), Arbitraries.longs(),
            Arbitraries.longs()).as(Command.Lease::new),
        Combinators.combine(guards().list().ofMaxSize(3), simpleCommands().list().ofMaxSize(3),
            simpleCommands().list().ofMaxSize(3)).as(Command.Txn::new));
  }

  static Arbitrary<Request> requests() {
    Arbitrary<UUID> uuids = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
    return Arbitraries.oneOf(
        Combinators.combine(uuids, Arbitraries.longs(), Arbitraries.longs(), commands().list().ofMaxSize(4))
            .as(Request.Write::new),
        commands().list().ofMaxSize(4).map(Request.Read::new));
  }

  static Arbitrary<KeyValue> keyValues() {
    return Combinators.combine(bytes(), bytes(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs())
        .as(KeyValue::new);
  }

  static Arbitrary<Result> simpleResults() {
    Arbitrary<KeyValue> optionalKv = keyValues().injectNull(0.3);
    return Arbitraries.oneOf(
        optionalKv.map(Result.GetResult::new),
        Combinators.combine(Arbitraries.longs(), optionalKv).as(Result.PutResult::new),
        Combinators.combine(Arbitraries.longs(), optionalKv).as(Result.DeleteResult::new),
        Combinators.combine(Arbitraries.of(true, false), Arbitraries.longs(), optionalKv).as(Result.CasResult::new),
        Combinators.combine(keyValues().list().ofMaxSize(3), Arbitraries.of(true, false), Arbitraries.longs())
            .as(Result.RangeResult::new),
        Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs())
            .as(Result.LeaseResult::new),
        Combinators.combine(Arbitraries.of(ErrorCode.class), Arbitraries.strings().ofMaxLength(20))
            .as(Result.Error::new));
  }

  static Arbitrary<Response> responses() {
    Arbitrary<Result> results = Arbitraries.oneOf(simpleResults(),
        Combinators.combine(Arbitraries.of(true, false), simpleResults().list().ofMaxSize(3)).as(Result.TxnResult::new));
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.longs(), results.list().ofMaxSize(4)).as(Response.Ok::new),
        Combinators.combine(Arbitraries.of(ErrorCode.class), Arbitraries.strings().ofMaxLength(30))
            .as(Response.Failed::new));
  }

}
