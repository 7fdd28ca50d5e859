package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import quorumkv.linearizability.history.History;

class ModelsTest {

    @Test
    void findsModelsByName() {
        assertEquals(List.of("cas-register", "kv-append", "kv"), Models.names());
        assertSame(RegisterModel.KV, Models.byName("kv"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.byName("set"));
        assertEquals("unknown model \"set\"; known models: [cas-register, kv-append, kv]", e.getMessage());
    }

    @Test
    void infersKvAppendFromAnyAppend() {
        ScriptedHistory h = new ScriptedHistory().writeNow(0, "r", "1");
        h.ok(h.append(0, "r", "2"));
        assertSame(RegisterModel.KV_APPEND, Models.inferFor(h.history()));
    }

    @Test
    void infersCasRegisterOnlyForReadWriteCasOnKeyR() {
        ScriptedHistory register = new ScriptedHistory().writeNow(0, "r", "1").readNow(0, "r", "1");
        register.ok(register.cas(0, "r", "1", "2"));
        assertSame(RegisterModel.CAS_REGISTER, Models.inferFor(register.history()));
        assertSame(RegisterModel.KV, Models.inferFor(new ScriptedHistory().writeNow(0, "k", "1").history()));
        ScriptedHistory delete = new ScriptedHistory();
        delete.ok(delete.delete(0, "r"));
        assertSame(RegisterModel.KV, Models.inferFor(delete.history()));
        assertSame(RegisterModel.KV, Models.inferFor(History.of(List.of())));
    }
}
