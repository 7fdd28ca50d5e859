package quorumkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumkv.client.connect.KvClients;

/**
 * README's Java code compiles against this client: every {@code ```java} block of README.md and of the docs/
 * pages is compiled
 * (not run) with the test classpath, so a renamed method or type cannot leave README behind.
 *
 * <p>How a snippet becomes a compilation unit: it is the body of {@code void snippet(KvClientConfig config)
 * throws Exception} in a class that imports {@code quorumkv.client.*} and {@code java.time.Duration} —
 * {@code config} is the one name README's snippets use without declaring it. A line that is only
 * {@code ...} (README's "and so on") becomes a comment. Warnings, deprecation included, are errors.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);

  @TempDir
  Path out;

  static List<String> javaBlocks() throws IOException {
    List<String> blocks = new ArrayList<>();
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (var docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    for (Path file : files) {
      Matcher m = JAVA_BLOCK.matcher(Files.readString(file));
      while (m.find()) {
        blocks.add(m.group(1));
      }
    }
    return blocks;
  }

  static String unit(String className, String snippet) {
    return "import quorumkv.client.*;\nimport quorumkv.client.connect.KvClients;\nimport java.time.Duration;\n\n"
        + "class " + className + " {\n  void snippet(KvClientConfig config) throws Exception {\n"
        + snippet.replaceAll("(?m)^(\\s*)\\.\\.\\.\\s*$", "$1// ...") + "\n  }\n}\n";
  }

  /** Compiles {@code source}; returns the compiler's messages, or null if it compiled cleanly. */
  private String compile(String className, String source) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    StringWriter messages = new StringWriter();
    List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
        "-proc:none", "-Xlint:all", "-Werror");
    boolean ok = javac.getTask(messages, null, null, options, null, List.of(file)).call();
    return ok ? null : messages.toString();
  }

  @Test
  void everyJavaBlockOfTheReadmeCompiles() throws IOException {
    List<String> blocks = javaBlocks();
    assertTrue(blocks.size() >= 2, "README's embedding and durability examples found: " + blocks.size());
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      String className = "ReadmeSnippet" + (i + 1);
      String source = unit(className, blocks.get(i));
      String messages = compile(className, source);
      if (messages != null) {
        failures.add("README's java block " + (i + 1) + " does not compile:\n" + source + "\n" + messages);
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  /** The check can fail: a snippet calling something the client lacks does not compile. */
  @Test
  void aSnippetUsingAMissingMethodFails() {
    String messages = compile("Broken", unit("Broken", "KvClient kv = KvClients.connect(config);\nkv.putIfPresent(\"k\", \"v\");"));
    assertFalse(messages == null, "a call to a method the client lacks must not compile");
    assertTrue(messages.contains("putIfPresent"), messages);
  }

  /** README's Maven coordinates are the client's own. */
  @Test
  void theDependencySnippetNamesThisArtifact() throws IOException {
    Matcher m = Pattern.compile("(?m)^```xml\\n<dependency><groupId>([^<]+)</groupId><artifactId>([^<]+)</artifactId>"
        + "<version>([^<]+)</version></dependency>\\n```").matcher(Files.readString(ROOT.resolve("README.md")));
    assertTrue(m.find(), "README's <dependency> block");
    Matcher project = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>quorumkv-parent</artifactId>\\s*"
        + "<version>([^<]+)</version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(project.find(), "the parent pom's coordinates");
    assertEquals(project.group(1), m.group(1), "groupId");
    assertEquals("quorumkv-client", m.group(2), "artifactId");
    assertTrue(Files.readString(ROOT.resolve("client/pom.xml")).contains("<artifactId>quorumkv-client</artifactId>"));
    assertEquals(project.group(2), m.group(3), "version (the client inherits the parent's)");
  }
}
