package quorumkv.linearizability.checker;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Outcome;
import quorumkv.linearizability.history.Value;

/**
 * One key as a string register ({@code null} = absent). Our three models differ only in the
 * operations they allow and the initial value, so they share this class:
 * <ul>
 *   <li>{@link #CAS_REGISTER}: read, write, cas; initially absent (the etcd corpus);</li>
 *   <li>{@link #KV_APPEND}: read, write, append; initially {@code ""} (the kv corpus);</li>
 *   <li>{@link #KV}: read, write, cas, delete; initially absent (QuorumKV's own histories).</li>
 * </ul>
 * A cas {@code [e, n]} succeeds iff the value equals {@code e}, where {@code e == null} matches
 * only an absent key (FORMAT.md: a {@code null} register never equals a string).
 */
public final class RegisterModel implements Model<String> {
    /** The {@code cas-register} model of FORMAT.md. */
    public static final RegisterModel CAS_REGISTER = new RegisterModel("cas-register", null,
            EnumSet.of(OperationKind.READ, OperationKind.WRITE, OperationKind.CAS));
    /** The {@code kv-append} model of FORMAT.md. */
    public static final RegisterModel KV_APPEND = new RegisterModel("kv-append", "",
            EnumSet.of(OperationKind.READ, OperationKind.WRITE, OperationKind.APPEND));
    /** QuorumKV's {@code kv} model: get, put, compare-and-set (expected may be absent), delete. */
    public static final RegisterModel KV = new RegisterModel("kv", null,
            EnumSet.of(OperationKind.READ, OperationKind.WRITE, OperationKind.CAS, OperationKind.DELETE));

    private final String name;
    private final String initialValue;
    private final Set<OperationKind> kinds;

    private RegisterModel(String name, String initialValue, Set<OperationKind> kinds) {
        this.name = name;
        this.initialValue = initialValue;
        this.kinds = kinds;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(OperationKind kind) {
        return kinds.contains(kind);
    }

    @Override
    public String initialState() {
        return initialValue;
    }

    @Override
    public Step<String> step(String value, Operation op) {
        boolean observed = op.outcome() == Outcome.OK;
        switch (op.kind()) {
            case READ:
                return !observed || Objects.equals(value, op.output().asString()) ? Step.to(value) : Step.illegal();
            case WRITE:
                return Step.to(op.input().asString());
            case APPEND:
                return Step.to(value + op.input().asString());
            case DELETE:
                return Step.to(null);
            case CAS:
                return cas(value, (Value.CasArgs) op.input(), op.outcome());
            default:
                throw new IllegalArgumentException("unknown operation kind " + op.kind());
        }
    }

    /**
     * A register only ever holds its initial value, a value written or swapped in, absent after
     * a delete, or a value ending with something appended. An {@code ok} read or swap that saw
     * anything else is impossible in every order (failed operations are not passed here and
     * had no effect).
     */
    @Override
    public Operation impossibleObservation(List<Operation> operations) {
        Set<String> held = new HashSet<>();
        held.add(initialValue);
        List<String> appended = new ArrayList<>();
        for (Operation op : operations) {
            switch (op.kind()) {
                case WRITE -> held.add(op.input().asString());
                case CAS -> held.add(((Value.CasArgs) op.input()).replacement());
                case DELETE -> held.add(null);
                case APPEND -> appended.add(op.input().asString());
                default -> { }
            }
        }
        for (Operation op : operations) {
            if (op.outcome() != Outcome.OK) {
                continue;
            }
            String seen = switch (op.kind()) {
                case READ -> op.output().asString();
                case CAS -> ((Value.CasArgs) op.input()).expected();
                default -> null;
            };
            boolean observes = op.kind() == OperationKind.READ || op.kind() == OperationKind.CAS;
            if (observes && !held.contains(seen)
                    && (seen == null || appended.stream().noneMatch(seen::endsWith))) {
                return op;
            }
        }
        return null;
    }

    private static Step<String> cas(String value, Value.CasArgs args, Outcome outcome) {
        boolean matches = Objects.equals(value, args.expected());
        return switch (outcome) {
            case OK -> matches ? Step.to(args.replacement()) : Step.illegal();
            // A failed cas saw a different value and changed nothing.
            case FAIL -> matches ? Step.illegal() : Step.to(value);
            // Unobserved: it swapped if it could, and otherwise failed without effect.
            case INFO, PENDING -> Step.to(matches ? args.replacement() : value);
        };
    }

    @Override
    public String describe(String value) {
        return value == null ? "absent" : Value.of(value).toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
