package dev.consentgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract without a broker: exit codes, messages, environment overrides. */
class CommandLineTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ConsentGateCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** Runs the service with {@code config} and the example policy, expects exit code 2, and returns the one line it printed. */
    private String runStoppedByConfig(Path config) throws Exception {
        Path policy = write("policy.yaml", examplePolicy());

        int exit = run("run", "--config", config.toString(), "--policy", policy.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
        return err.toString().lines().findFirst().orElseThrow();
    }

    private static String examplePolicy() throws Exception {
        try (var in = CommandLineTest.class.getResourceAsStream("/policy/example-policy.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aValidPolicyValidatesWithExitZeroAndASummary() throws Exception {
        Path policy = write("policy.yaml", examplePolicy());

        int exit = run("policy", "validate", policy.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith(policy + ": valid (version 2026-12-06.1, 7 purposes, 3 inputs, mode enforce, sha256 ");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anInvalidPolicyPrintsFileLineMessageLinesAndExitsTwo() throws Exception {
        Path policy = write("bad.yaml", examplePolicy().replace("basis: contract", "basis: contrat")
                .replace("on_missing_consent: redact", "on_missing_consent: anonymize"));

        int exit = run("policy", "validate", policy.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(2).allSatisfy(line -> assertThat(line).matches(
                java.util.regex.Pattern.quote(policy.toString()) + ":\\d+: .*"));
        assertThat(err.toString()).contains("unknown basis 'contrat'", "'anonymize'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void runWithoutTheHmacKeyStopsWithOneLineNamingTheKey() throws Exception {
        Path config = write("app.properties", "bootstrap.servers=127.0.0.1:1\napplication.id=cg\nschema.registry.url=mock://cli\n");

        assertThat(runStoppedByConfig(config))
                .isEqualTo("consentgate: " + config + ": no HMAC key for consentgate.keys.pseudonym, consentgate.keys.field.hash, consentgate.keys.state: set "
                        + "consentgate.hmac.key, the key of every use, or each use's own key; make a key with: openssl rand -base64 48");
    }

    @Test
    void runRefusesTheDeadLetterTopicAsTheReroutedConsentTopicNamingBoth() throws Exception {
        Path config = write("app.properties", "consentgate.hmac.key=0123456789abcdef0123456789ABCDEFGHIJ\nconsentgate.consent.rerouted.topic=consent.dlq\n");

        assertThat(runStoppedByConfig(config)).isEqualTo("consentgate: " + config
                + ": the consent, rerouted-consent, signals, audit, dead-letter, checkpoint, policy, key, erasure, review and"
                + " review-decision topics must be eleven different topics: consentgate.consent.topic=consent.events, consentgate.consent.rerouted.topic=consent.dlq,"
                + " consentgate.signals.topic=consent.signals, consentgate.audit.topic=consent.audit, consentgate.dlq.topic=consent.dlq,"
                + " consentgate.audit.checkpoints.topic=consent.audit.checkpoints, consentgate.policies.topic=consent.policies,"
                + " consentgate.keys.topic=consent.keys, consentgate.erasure.topic=privacy.erasure,"
                + " consentgate.review.topic=consent.review, consentgate.review.decisions.topic=consent.review.decisions");
    }

    @Test
    void runRefusesANegativeHistoryCacheNamingTheKey() throws Exception {
        Path config = write("app.properties", "consentgate.hmac.key=0123456789abcdef0123456789ABCDEFGHIJ\nconsentgate.consent.cache.customers=-1\n");

        assertThat(runStoppedByConfig(config)).isEqualTo("consentgate: " + config
                + ": Invalid value -1 for configuration consentgate.consent.cache.customers: Value must be at least 0");
    }

    @Test
    void runWithAMissingPolicyFileSaysWhichFile() throws Exception {
        Path config = write("app.properties", "consentgate.hmac.key=0123456789abcdef0123456789ABCDEFGHIJ\n");

        int exit = run("run", "--config", config.toString(), "--policy", dir.resolve("nope.yaml").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("consentgate: " + dir.resolve("nope.yaml") + ":0: cannot read the policy file");
    }

    @Test
    void runRefusesANegativeTaskIdleTimeNamingTheSetting() throws Exception {
        Path config = write("app.properties", "consentgate.hmac.key=0123456789abcdef0123456789ABCDEFGHIJ\nmax.task.idle.ms=-1\n");

        assertThat(runStoppedByConfig(config))
                .startsWith("consentgate: " + config + ": max.task.idle.ms=-1 is refused: a negative value lets events be decided"
                        + " before the consent changes already on the broker for them are read");
    }

    @Test
    void aTaskIdleTimeOfZeroOrMoreIsAcceptedAndANegativeOneFromTheEnvironmentIsNot() throws Exception {
        Path config = write("app.properties", "consentgate.hmac.key=0123456789abcdef0123456789ABCDEFGHIJ\nmax.task.idle.ms=1000\n");

        assertThat(Setup.withoutPolicy(config, Map.of()).properties()).containsEntry("max.task.idle.ms", "1000");
        assertThat(Setup.withoutPolicy(config, Map.of("CONSENTGATE_MAX_TASK_IDLE_MS", "0")).properties())
                .containsEntry("max.task.idle.ms", "0");
        assertThatThrownBy(() -> Setup.withoutPolicy(config, Map.of("CONSENTGATE_MAX_TASK_IDLE_MS", " -5 ")))
                .isInstanceOf(CommandFailure.class)
                .hasMessageContaining("max.task.idle.ms=-5 is refused");
    }

    @Test
    void unknownOptionsAreAUsageErrorWithExitTwo() {
        assertThat(run("run", "--config", "a", "--polcy", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: consentgate run");
    }

    @Test
    void environmentVariablesOverrideTheFile() throws Exception {
        Path config = write("app.properties", "bootstrap.servers=file:9092\nconsentgate.grace.ms=10\n");

        Map<String, Object> merged = AppProperties.load(config, Map.of(
                "CONSENTGATE_BOOTSTRAP_SERVERS", "env:9092",
                "CONSENTGATE_CONSENTGATE_HMAC_KEY", "from-the-environment",
                "CONSENTGATE_SOME__UNDERSCORED_KEY", "x",
                "PATH", "/usr/bin"));

        assertThat(merged).containsEntry("bootstrap.servers", "env:9092")
                .containsEntry("consentgate.hmac.key", "from-the-environment")
                .containsEntry("consentgate.grace.ms", "10")
                .containsEntry("some_underscored.key", "x")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .doesNotContainKey("path");
    }

    @Test
    void theProducersBatchSizeDefaultsTo64KibibytesReachesTheProducerAndTheFileCanChangeIt() throws Exception {
        Path defaults = write("app.properties", "application.id=cg\nbootstrap.servers=localhost:9092\n");
        Map<String, Object> merged = AppProperties.load(defaults, Map.of());

        assertThat(merged).containsEntry("producer.batch.size", 65_536);
        assertThat(new StreamsConfig(merged).getProducerConfigs("client")).containsEntry("batch.size", 65_536);

        Path changed = write("changed.properties", "application.id=cg\nbootstrap.servers=localhost:9092\nproducer.batch.size=16384\n");
        assertThat(new StreamsConfig(AppProperties.load(changed, Map.of())).getProducerConfigs("client"))
                .containsEntry("batch.size", "16384");
    }

    @Test
    void anUnknownCommandWithHelpIsNamedWithTheTopUsageAndExitsTwo() {
        assertThat(run("xyzzy", "everything", "--help")).isEqualTo(ExitCodes.INVALID_INPUT);

        assertThat(err.toString().lines().toList()).first().isEqualTo("consentgate: unknown command 'xyzzy' for 'consentgate'");
        assertThat(err.toString().lines().toList()).element(1).isEqualTo("Usage: consentgate [-hV] [COMMAND]");
        assertThat(err.toString()).contains("Commands:", "  topics", "Exit codes:");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownCommandWithoutHelpIsTheSameError() {
        assertThat(run("xyzzy", "everything")).isEqualTo(ExitCodes.INVALID_INPUT);

        assertThat(err.toString().lines().limit(2).toList()).containsExactly(
                "consentgate: unknown command 'xyzzy' for 'consentgate'", "Usage: consentgate [-hV] [COMMAND]");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownSubcommandNamesItAndPrintsTheUsageOfTheNearestKnownCommand() {
        for (String[] command : new String[][] {{"topics", "frobnicate", "--help"}, {"topics", "frobnicate"},
                {"--help", "topics", "frobnicate"}}) {
            err.getBuffer().setLength(0);

            assertThat(run(command)).as(String.join(" ", command)).isEqualTo(ExitCodes.INVALID_INPUT);

            assertThat(err.toString().lines().limit(3).toList()).as(String.join(" ", command)).containsExactly(
                    "consentgate: unknown command 'frobnicate' for 'consentgate topics'",
                    "Did you mean: topics create?",
                    "Usage: consentgate topics [-hV] [COMMAND]");
        }
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void extraArgumentsWithHelpAreAUsageErrorToo() {
        assertThat(run("run", "extra", "--help")).isEqualTo(ExitCodes.INVALID_INPUT);

        assertThat(err.toString()).contains("'extra'", "Usage: consentgate run");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {{"--help"}, {"run", "--help"}, {"policy", "validate", "--help"},
                {"topics", "create", "--help"}, {"topics", "--help"}}) {
            assertThat(run(command)).as(String.join(" ", command)).isZero();
        }
        assertThat(out.toString()).contains("Exit codes:", "3   Kafka or the schema registry cannot be reached at start");
    }

    @Test
    void theServiceCommandLineHasNoAuditorOrDemoCommandsAndSaysWhichJarHasThem() {
        assertThat(run("replay", "--help")).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString().lines().toList()).first()
                .isEqualTo("consentgate: unknown command 'replay' for 'consentgate'; it is in consentgate-tools.jar");

        err.getBuffer().setLength(0);
        assertThat(run("demo")).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString().lines().toList()).first()
                .isEqualTo("consentgate: unknown command 'demo' for 'consentgate'; it is in consentgate-demo.jar");
        assertThat(out.toString()).isEmpty();
    }
}
