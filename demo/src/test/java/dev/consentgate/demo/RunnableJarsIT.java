package dev.consentgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The three jars the build makes, as shipped: the service's is lean (no broker, no Scala, no test driver, under 40 MB)
 * and each jar offers its own commands under the one command line.
 */
class RunnableJarsIT {

    private static final Path SERVICE = Path.of(System.getProperty("consentgate.service.jar"));
    private static final Path TOOLS = Path.of(System.getProperty("consentgate.tools.jar"));
    private static final Path DEMO = Path.of(System.getProperty("consentgate.demo.jar"));

    @Test
    void theServiceJarHasNoBrokerScalaOrTestDriverAndIsUnder40Megabytes() throws IOException {
        List<String> forbidden = new ArrayList<>();
        try (ZipFile jar = new ZipFile(SERVICE.toFile())) {
            jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("kafka/server/") || name.startsWith("scala/")
                            || name.startsWith("org/apache/kafka/streams/test/") || name.startsWith("dev/consentgate/replay/")
                            || name.startsWith("dev/consentgate/testing/"))
                    .forEach(forbidden::add);
        }
        assertThat(forbidden).isEmpty();
        assertThat(Files.size(SERVICE)).isLessThan(40_000_000L);
    }

    @Test
    void eachJarOffersItsCommands() throws Exception {
        assertThat(commands(SERVICE)).containsExactly("run", "policy", "topics", "review");
        assertThat(commands(TOOLS)).containsExactly("run", "policy", "topics", "review", "audit", "decrypt", "explain", "keys", "replay", "subject");
        assertThat(commands(DEMO)).containsExactly("run", "policy", "topics", "review", "demo", "audit", "decrypt", "explain", "keys", "replay",
                "subject");
    }

    /** The command names of {@code --help}, in its order. */
    private static List<String> commands(Path jar) throws Exception {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(), "--help")
                .redirectErrorStream(true).start();
        String help = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(help).isZero();
        return help.lines().filter(line -> line.matches("  [a-z]+ .*")).map(line -> line.trim().split(" ")[0]).toList();
    }
}
