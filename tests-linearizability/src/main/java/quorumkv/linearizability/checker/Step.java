package quorumkv.linearizability.checker;

/**
 * The result of {@link Model#step}: whether the operation fits the state and, if so, the state
 * after it. (A separate flag, because {@code null} is a legal state: "key absent".)
 *
 * @param legal whether the operation can be linearized in the state
 * @param next the state after the operation; meaningless when not legal
 * @param <S> the model's state type
 */
public record Step<S>(boolean legal, S next) {
    private static final Step<?> ILLEGAL = new Step<>(false, null);

    /** A legal step leading to {@code next}. */
    public static <S> Step<S> to(S next) {
        return new Step<>(true, next);
    }

    /** The operation cannot be linearized in the state. */
    @SuppressWarnings("unchecked")
    public static <S> Step<S> illegal() {
        return (Step<S>) ILLEGAL;
    }
}
