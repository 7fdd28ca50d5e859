package quorumkv.linearizability.checker;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * A point of the search, as kept in Lowe's cache: which operations are linearized, and the
 * model state they lead to.
 *
 * <p>The set is stored as its end (highest id + 1) and its holes below the end, not as a copy
 * of the bit set. Operations are numbered in invoke order and a hole is an operation invoked
 * before the latest linearized one but not yet placed itself: one still concurrent with it, or
 * an indeterminate one. So a key costs a few ints however long the history, where a bit set
 * copy would cost n/8 bytes and make the cache quadratic in the history's length.
 */
final class Configuration<S> {
    private final int end;
    private final int[] holes;
    private final S state;
    private final int hash;

    Configuration(BitSet linearized, S state) {
        this.end = linearized.length();
        this.holes = new int[end - linearized.cardinality()];
        int count = 0;
        for (int hole = linearized.nextClearBit(0); hole < end; hole = linearized.nextClearBit(hole + 1)) {
            holes[count++] = hole;
        }
        this.state = state;
        this.hash = (31 * end + Arrays.hashCode(holes)) * 31 + Objects.hashCode(state);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Configuration<?> that && hash == that.hash && end == that.end
                && Arrays.equals(holes, that.holes) && Objects.equals(state, that.state);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
