package quorumkv.linearizability.checker;

import java.util.List;
import quorumkv.linearizability.history.History;
import quorumkv.linearizability.history.Operation;
import quorumkv.linearizability.history.OperationKind;

/** Finds models by name and guesses the model a history was written for. */
public final class Models {
    private static final List<Model<?>> ALL =
            List.of(RegisterModel.CAS_REGISTER, RegisterModel.KV_APPEND, RegisterModel.KV);

    private Models() {
    }

    /** The names of all models: {@code cas-register}, {@code kv-append}, {@code kv}. */
    public static List<String> names() {
        return ALL.stream().map(Model::name).toList();
    }

    /**
     * The model with the given name.
     *
     * @throws IllegalArgumentException naming the known models if there is none
     */
    public static Model<?> byName(String name) {
        for (Model<?> model : ALL) {
            if (model.name().equals(name)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unknown model \"" + name + "\"; known models: " + names());
    }

    /**
     * The model the history was most likely written for: {@code kv-append} if any operation is
     * an append; {@code cas-register} if there are operations, all on key {@code "r"} and all
     * read, write or cas; otherwise {@code kv}.
     */
    public static Model<?> inferFor(History history) {
        List<Operation> operations = history.operations();
        if (operations.stream().anyMatch(op -> op.kind() == OperationKind.APPEND)) {
            return RegisterModel.KV_APPEND;
        }
        boolean singleRegister = !operations.isEmpty() && operations.stream().allMatch(
                op -> op.key().equals("r") && RegisterModel.CAS_REGISTER.supports(op.kind()));
        return singleRegister ? RegisterModel.CAS_REGISTER : RegisterModel.KV;
    }
}
