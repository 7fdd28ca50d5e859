package quorumkv.linearizability.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckHistoryMainTest {
    @TempDir
    Path dir;
    private String good;
    private String bad;
    private String malformed;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void copyHistories() throws IOException {
        good = copy("porcupine/etcd_002.jsonl"); // linearizable
        bad = copy("porcupine-kv/kv_c01_b.jsonl"); // not linearizable
        String firstLines = Files.readAllLines(Path.of(good)).subList(0, 3).stream()
                .reduce("", (text, line) -> text + line + "\n");
        malformed = write("malformed.jsonl", firstLines + "{\"process\":1,\"type\":\"ok\"}\n");
    }

    @Test
    void aLinearizableFileExitsZeroAndPrintsVerdictAndTime() {
        assertEquals(0, run(good));
        assertTrue(stdout().matches("(?s).*etcd_002\\.jsonl: LINEARIZABLE \\(model cas-register, .* s\\)\n"), stdout());
    }

    @Test
    void aNonLinearizableFileExitsOneAndPrintsTheWindow() {
        assertEquals(1, run(good, bad));
        assertTrue(stdout().contains("kv_c01_b.jsonl: NOT_LINEARIZABLE (model kv-append"), stdout());
        assertTrue(stdout().contains("key \"7\": no valid order"), stdout());
    }

    @Test
    void aMalformedFileExitsTwoNamingFileAndLine() {
        assertEquals(2, run(good, malformed, bad));
        assertTrue(stderr().contains(malformed + ":4: missing field \"f\""), stderr());
        assertTrue(stdout().contains("LINEARIZABLE") && stdout().contains("NOT_LINEARIZABLE"),
                "the other files are still checked: " + stdout());
    }

    @Test
    void runningOutOfTimeExitsOne() {
        assertEquals(1, run("--timeout", "0", good));
        assertTrue(stdout().contains("UNKNOWN"), stdout());
        assertTrue(stdout().contains("timed out"), stdout());
    }

    @Test
    void aModelCanBeForced() {
        assertEquals(0, run("--model=kv", good));
        assertTrue(stdout().contains("(model kv,"), stdout());
        assertEquals(2, run("--model", "kv-append", good), "etcd histories use cas, which kv-append lacks");
        assertTrue(stderr().contains("model kv-append has no operation cas"), stderr());
    }

    @Test
    void badUsageExitsTwoWithTheUsage() {
        assertEquals(2, run());
        assertEquals(2, run("--model", "nope", good));
        assertEquals(2, run("--timeout", "soon", good));
        assertEquals(2, run("--frobnicate", good));
        assertEquals(2, run(dir.resolve("missing.jsonl").toString()));
        assertTrue(stderr().contains("usage: check-history"), stderr());
        assertTrue(stderr().contains("cannot read"), stderr());
    }

    @Test
    void helpExitsZero() {
        assertEquals(0, run("--help"));
        assertTrue(stdout().startsWith("usage: check-history"), stdout());
    }

    private int run(String... args) {
        return CheckHistoryMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String copy(String resource) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/histories/" + resource)) {
            Path target = dir.resolve(Path.of(resource).getFileName());
            Files.copy(in, target);
            return target.toString();
        }
    }

    private String write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8).toString();
    }
}
