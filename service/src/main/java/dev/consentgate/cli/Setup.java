package dev.consentgate.cli;

import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyException;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.KeyUse;
import dev.consentgate.policy.KeyRing;
import dev.consentgate.config.OwnTopics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A configuration and a policy, loaded and validated, or a {@link CommandFailure} that names the
 * problem: the checks every command that talks to Kafka starts with.
 */
public record Setup(Map<String, Object> properties, ConsentGateConfig config, Policy policy) {

    /** Properties and a policy already loaded, as the demo and the tests have them. */
    public static Setup of(Map<String, Object> properties, Policy policy) {
        return new Setup(properties, new ConsentGateConfig(properties), policy);
    }

    public static Setup load(Path configFile, Path policyFile, Map<String, String> environment) {
        Setup configured = withoutPolicy(configFile, environment);
        Policy policy = policy(policyFile);
        try {
            // Before Kafka is reached: a purpose topic that is one of ConsentGate's own stops every command that needs both.
            OwnTopics.refuseTaken(configured.config(), policy);
        } catch (ConfigException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, policyFile + " with " + configFile + ": " + e.getMessage());
        }
        return new Setup(configured.properties(), configured.config(), policy);
    }

    /** For commands that read topics but decide nothing: the auditor's tools. {@code policy()} is null. */
    public static Setup withoutPolicy(Path configFile, Map<String, String> environment) {
        Map<String, Object> properties;
        try {
            properties = AppProperties.load(configFile, environment);
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot read the configuration file " + configFile + ": " + e);
        } catch (ConfigException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, configFile + ": " + e.getMessage());
        }
        ConsentGateConfig config;
        try {
            config = new ConsentGateConfig(properties);
            // Read now, so a broken previous-keys file stops the start rather than the lookup that needs it.
            for (KeyUse use : KeyUse.values()) {
                KeyRingFiles.read(config, use);
            }
        } catch (ConfigException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, configFile + ": " + e.getMessage());
        }
        refuseTaskIdlingDisabled(configFile, properties);
        return new Setup(properties, config, null);
    }

    /**
     * A negative {@code max.task.idle.ms} turns off Kafka Streams' waiting for an input partition that has records on
     * the broker and none fetched yet, so an event can be decided before the consent changes produced before it
     * have been read: a consent withdrawn before the event would not yet be seen. In the end-to-end benchmark it
     * changed 22,487 of 497,034 purpose records of a 300,000-event catch-up.
     */
    private static void refuseTaskIdlingDisabled(Path configFile, Map<String, Object> properties) {
        Object value = properties.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG);
        if (value == null) {
            return;
        }
        long idleMs;
        try {
            idleMs = Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            // Not a number: Kafka Streams' own validation names it when the service starts.
            return;
        }
        if (idleMs < 0) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, configFile + ": " + StreamsConfig.MAX_TASK_IDLE_MS_CONFIG + "=" + idleMs
                    + " is refused: a negative value lets events be decided before the consent changes already on the broker"
                    + " for them are read; use 0 (Kafka Streams' default) or a positive time");
        }
    }

    /** The current and previous keys of {@code use}: what finds records hashed before and after a rotation. */
    public KeyRing keyRing(KeyUse use) {
        try {
            return KeyRingFiles.read(config, use);
        } catch (ConfigException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, e.getMessage());
        }
    }

    public static Policy policy(Path policyFile) {
        try {
            return PolicyParser.parse(policyFile);
        } catch (PolicyException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, e.getMessage());
        }
    }
}
