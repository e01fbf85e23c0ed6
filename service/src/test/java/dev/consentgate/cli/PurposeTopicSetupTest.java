package dev.consentgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A purpose topic that is one of ConsentGate's own topics stops every command that loads both files, before Kafka is reached. */
class PurposeTopicSetupTest {

    @TempDir
    Path dir;

    @Test
    void aPurposeWritingToTheDeadLetterTopicStopsTheStartNamingThePurposeTheTopicAndTheSetting() throws Exception {
        Path config = Files.writeString(dir.resolve("app.properties"),
                "consentgate.hmac.key=current-pseudonym-key-0123456789-ABCDEFGH\nconsentgate.dlq.topic=ops.dlq\n");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "1"
                purposes:
                  train:
                    basis: consent
                    allow_categories: [user.behavior, system.operations]
                    topic: ops.dlq
                inputs:
                  - topic: crm.visits
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                """);

        assertThatThrownBy(() -> Setup.load(config, policy, Map.of()))
                .isInstanceOfSatisfying(CommandFailure.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
                .hasMessage(policy + " with " + config + ": purpose train writes to ops.dlq, which is the dead-letter topic "
                        + "(consentgate.dlq.topic): each purpose needs a topic of its own, apart from ConsentGate's: set another "
                        + "topic for the purpose in the policy, or another topic in the setting");
    }
}
