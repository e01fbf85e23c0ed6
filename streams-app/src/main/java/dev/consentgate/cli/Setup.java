package dev.consentgate.cli;

import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyException;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.topology.ConsentGateConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * A configuration and a policy, loaded and validated, or a {@link CommandFailure} that names the
 * problem: the checks every command that talks to Kafka starts with.
 */
record Setup(Map<String, Object> properties, ConsentGateConfig config, Policy policy) {

    static Setup load(Path configFile, Path policyFile, Map<String, String> environment) {
        Setup configured = withoutPolicy(configFile, environment);
        return new Setup(configured.properties(), configured.config(), policy(policyFile));
    }

    /** For commands that read topics but decide nothing: the auditor's tools. {@code policy()} is null. */
    static Setup withoutPolicy(Path configFile, Map<String, String> environment) {
        Map<String, Object> properties;
        try {
            properties = AppProperties.load(configFile, environment);
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot read the configuration file " + configFile + ": " + e);
        }
        ConsentGateConfig config;
        try {
            config = new ConsentGateConfig(properties);
        } catch (ConfigException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, configFile + ": " + e.getMessage());
        }
        return new Setup(properties, config, null);
    }

    static Policy policy(Path policyFile) {
        try {
            return PolicyParser.parse(policyFile);
        } catch (PolicyException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, e.getMessage());
        }
    }
}
