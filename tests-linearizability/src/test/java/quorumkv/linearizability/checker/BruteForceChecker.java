package quorumkv.linearizability.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;
import quorumkv.linearizability.history.Outcome;
import quorumkv.linearizability.history.Value;

/**
 * The definition of linearizability, searched naively over whole-history orders (no per-key
 * split, no entry list), as an oracle for small histories. Shares no code with the checker.
 */
final class BruteForceChecker {
    private final List<Operation> operations = new ArrayList<>();
    private final String initialValue;
    private final Set<List<Object>> deadEnds = new HashSet<>();

    private BruteForceChecker(History history, String initialValue) {
        history.operations().stream().filter(op -> op.outcome() != Outcome.FAIL).forEach(operations::add);
        this.initialValue = initialValue;
        if (operations.size() > 20) {
            throw new IllegalArgumentException("too many operations for brute force: " + operations.size());
        }
    }

    /** Whether some order of all ok operations and some indeterminate ones fits real time and the store. */
    static boolean isLinearizable(History history, String initialValue) {
        return new BruteForceChecker(history, initialValue).search(0, new HashMap<>());
    }

    private boolean search(int placed, Map<String, String> store) {
        if (allOkPlaced(placed)) {
            return true;
        }
        List<Object> configuration = List.of(placed, new HashMap<>(store));
        if (deadEnds.contains(configuration)) {
            return false;
        }
        for (int i = 0; i < operations.size(); i++) {
            if ((placed & (1 << i)) == 0 && mayGoNext(i, placed)) {
                Map<String, String> after = apply(operations.get(i), store);
                if (after != null && search(placed | (1 << i), after)) {
                    return true;
                }
            }
        }
        deadEnds.add(configuration);
        return false;
    }

    private boolean allOkPlaced(int placed) {
        for (int i = 0; i < operations.size(); i++) {
            if (operations.get(i).outcome() == Outcome.OK && (placed & (1 << i)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** No unplaced operation completed before this one was invoked. */
    private boolean mayGoNext(int candidate, int placed) {
        long invoked = operations.get(candidate).invokeIndex();
        for (int i = 0; i < operations.size(); i++) {
            Operation other = operations.get(i);
            if ((placed & (1 << i)) == 0 && other.outcome() == Outcome.OK && other.completeIndex() < invoked) {
                return false;
            }
        }
        return true;
    }

    /** The store after the operation, or {@code null} if its observed result is impossible. */
    private Map<String, String> apply(Operation op, Map<String, String> store) {
        boolean observed = op.outcome() == Outcome.OK;
        String current = store.containsKey(op.key()) ? store.get(op.key()) : initialValue;
        Map<String, String> after = new HashMap<>(store);
        if (op.kind() == OperationKind.READ) {
            return !observed || Objects.equals(current, op.output().asString()) ? after : null;
        } else if (op.kind() == OperationKind.WRITE) {
            after.put(op.key(), op.input().asString());
        } else if (op.kind() == OperationKind.APPEND) {
            after.put(op.key(), current + op.input().asString());
        } else if (op.kind() == OperationKind.DELETE) {
            after.put(op.key(), null);
        } else {
            Value.CasArgs cas = (Value.CasArgs) op.input();
            if (Objects.equals(current, cas.expected())) {
                after.put(op.key(), cas.replacement());
            } else if (observed) {
                return null;
            }
        }
        return after;
    }
}
