package quorumkv.linearizability.checker;

import java.util.List;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;

/**
 * A sequential specification of one key's object: an initial state and the transition of each
 * operation. The checker only ever passes operations of one key to a model.
 *
 * <p>States must be immutable and have {@code equals} and {@code hashCode} (the search caches
 * them); {@code null} is allowed as a state.
 *
 * @param <S> the state of one key
 */
public interface Model<S> {

    /** The name used in manifests and on the command line, e.g. {@code cas-register}. */
    String name();

    /** Whether operations of this kind belong to the model. */
    boolean supports(OperationKind kind);

    /** The state of a key before any operation. */
    S initialState();

    /**
     * Linearizes {@code op} in {@code state}. For an {@code ok} operation the model checks its
     * observed result; for an {@code info} or pending one nothing was observed, so every
     * outcome the operation could have had is accepted. The checker never passes failed
     * operations (it drops them), but a model may still define them.
     *
     * @return the state after {@code op}, or {@link Step#illegal()} if {@code op} cannot have
     *     had its result in {@code state}
     */
    Step<S> step(S state, Operation op);

    /**
     * A cheap refutation tried before the search: an {@code ok} operation among {@code operations}
     * (one key's searched operations) whose observed result no order of them could produce, or
     * {@code null} if none is seen. It must be sound: it may miss a violation (the search finds
     * it), but must never name an operation of a linearizable history. Without it, a history
     * with one impossible read makes the search try every order before it can say no.
     */
    default Operation impossibleObservation(List<Operation> operations) {
        return null;
    }

    /** The state for people reading a counterexample. */
    default String describe(S state) {
        return String.valueOf(state);
    }
}
