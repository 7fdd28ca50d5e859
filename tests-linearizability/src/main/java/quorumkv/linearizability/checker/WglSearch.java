package quorumkv.linearizability.checker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.Outcome;

/**
 * The Wing-Gong search with Lowe's memoization over one key's operations, iterative so that
 * long histories cannot overflow the Java stack.
 *
 * <p>The cursor walks the {@link EntryList}. At a call, if the model accepts the operation in
 * the current state and the resulting (linearized set, state) pair is new, the operation is
 * linearized: pushed on the stack, lifted from the list, and the walk restarts at the front.
 * At a return, the operation whose call is still in the list should have taken effect by now,
 * so the last choice is undone and the walk continues after it. A pair seen before was already
 * explored (and failed, or the search would have ended), which is what makes the search fast.
 */
final class WglSearch<S> {
    /** Read the clock once per this many steps; nanoTime is cheap but not free. */
    private static final int CLOCK_MASK = 0x3ff;
    private static final int TAIL_SHOWN = 6;
    private static final int OPEN_SHOWN = 10;

    /** How one key's search ended. */
    enum Ending { LINEARIZABLE, NOT_LINEARIZABLE, TIMED_OUT, TOO_MANY_STATES }

    /** One key's result; {@code counterexample} is set only when not linearizable. */
    record Result(Ending ending, Counterexample counterexample, long statesExplored) {
    }

    private record Frame<S>(Entry call, S stateBefore) {
    }

    private final Model<S> model;
    private final String key;
    private final List<Operation> operations;
    private final Deadline deadline;
    private final long maxStates;

    private final Deque<Frame<S>> stack = new ArrayDeque<>();
    private Counterexample deepestDeadEnd;

    WglSearch(Model<S> model, String key, List<Operation> operations, Deadline deadline, long maxStates) {
        this.model = model;
        this.key = key;
        this.operations = operations;
        this.deadline = deadline;
        this.maxStates = maxStates;
    }

    Result run() {
        EntryList entries = new EntryList(operations);
        Set<Configuration<S>> explored = new HashSet<>();
        BitSet linearized = new BitSet(operations.size());
        int okLeft = (int) operations.stream().filter(op -> op.outcome() == Outcome.OK).count();
        S state = model.initialState();
        Entry cursor = entries.first();
        long steps = 0;
        // Indeterminate operations may never take effect, so the search is done once every ok
        // operation is placed; the indeterminate ones left could all go after it, or nowhere.
        while (okLeft > 0) {
            if ((steps++ & CLOCK_MASK) == 0 && deadline.hasPassed()) {
                return new Result(Ending.TIMED_OUT, null, explored.size());
            }
            if (cursor == null) {
                throw new IllegalStateException("the walk passed every entry with an ok operation unplaced");
            }
            if (cursor.isCall) {
                Step<S> step = model.step(state, cursor.op);
                if (step.legal()) {
                    linearized.set(cursor.id);
                    if (explored.add(new Configuration<>(linearized, step.next()))) {
                        if (explored.size() > maxStates) {
                            return new Result(Ending.TOO_MANY_STATES, null, explored.size());
                        }
                        stack.push(new Frame<>(cursor, state));
                        state = step.next();
                        entries.lift(cursor);
                        okLeft -= cursor.op.outcome() == Outcome.OK ? 1 : 0;
                        cursor = entries.first();
                        continue;
                    }
                    linearized.clear(cursor.id);
                }
                cursor = cursor.next;
            } else {
                noteDeadEnd(entries, cursor, state);
                if (stack.isEmpty()) {
                    return new Result(Ending.NOT_LINEARIZABLE, deepestDeadEnd, explored.size());
                }
                Frame<S> undone = stack.pop();
                state = undone.stateBefore();
                linearized.clear(undone.call().id);
                entries.unlift(undone.call());
                okLeft += undone.call().op.outcome() == Outcome.OK ? 1 : 0;
                cursor = undone.call().next;
            }
        }
        return new Result(Ending.LINEARIZABLE, null, explored.size());
    }

    /** Keeps the dead end with the most operations placed: the best window to show people. */
    private void noteDeadEnd(EntryList entries, Entry blockedReturn, S state) {
        if (deepestDeadEnd != null && stack.size() <= deepestDeadEnd.linearizedCount()) {
            return;
        }
        List<Operation> tail = new ArrayList<>(TAIL_SHOWN);
        Iterator<Frame<S>> newestFirst = stack.iterator();
        while (newestFirst.hasNext() && tail.size() < TAIL_SHOWN) {
            tail.add(0, newestFirst.next().call().op);
        }
        List<Operation> open = new ArrayList<>();
        for (Entry entry = entries.first(); entry != blockedReturn && open.size() < OPEN_SHOWN; entry = entry.next) {
            if (entry.isCall && entry != blockedReturn.match) {
                open.add(entry.op);
            }
        }
        deepestDeadEnd = new Counterexample(key, operations.size(), stack.size(), tail,
                model.describe(state), blockedReturn.op, open);
    }
}
