package dev.consentgate.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A single-node broker secured as a production cluster is: clients connect only over TLS with SASL/SCRAM-SHA-512,
 * and StandardAuthorizer enforces ACLs, with no access where none is granted. The one super user is the broker's own
 * principal, {@code User:broker}: its SCRAM credential is written when the log directory is formatted (as
 * {@code kafka-storage format --add-scram} does), the controller listener authenticates it with SASL/PLAIN. The test
 * acts as the cluster's operator with it ({@link #superUserSettings}); every other user is created through the Admin API.
 */
public final class BrokerSecurity {

    public static final String SUPER_USER = "broker";
    private static final String MECHANISM = "SCRAM-SHA-512";

    private final TlsCertificates certificates;
    private final String brokerPassword = UUID.randomUUID().toString();

    BrokerSecurity(TlsCertificates certificates) {
        this.certificates = certificates;
    }

    /** The single-node configuration with a SASL_SSL listener for clients (the inter-broker one too) and a SASL_PLAINTEXT controller listener. */
    Properties serverConfig(int brokerPort, int controllerPort, Path logDir) {
        Properties props = EmbeddedKafka.singleNodeConfig(brokerPort, controllerPort, logDir);
        props.put("listeners", "CLIENT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "CLIENT://localhost:" + brokerPort);
        props.put("listener.security.protocol.map", "CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", "CLIENT");
        props.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        props.put("listener.name.client.sasl.enabled.mechanisms", MECHANISM);
        props.put("listener.name.client.scram-sha-512.sasl.jaas.config", scramLogin(SUPER_USER, brokerPassword));
        props.put("ssl.keystore.location", certificates.keyStore().toString());
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.password", certificates.password());
        props.put("ssl.key.password", certificates.password());
        // The broker connects to itself on the inter-broker listener, and checks at start that it could.
        props.put("ssl.truststore.location", certificates.trustStore().toString());
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.password", certificates.password());
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + SUPER_USER + "\" password=\"" + brokerPassword + "\" user_" + SUPER_USER + "=\"" + brokerPassword + "\";");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + SUPER_USER);
        props.put("allow.everyone.if.no.acl.found", "false");
        return props;
    }

    /** The arguments {@code kafka-storage format} needs beyond the configuration: the broker's SCRAM credential. */
    List<String> formatArguments() {
        return List.of("--add-scram", MECHANISM + "=[name=" + SUPER_USER + ",password=" + brokerPassword + "]");
    }

    /** What a client of the broker sets to connect as {@code user}: TLS trusting the broker's certificate, SASL/SCRAM-SHA-512. */
    public Map<String, Object> clientSettings(String user, String password) {
        Map<String, Object> settings = new HashMap<>(tlsSettings());
        settings.put("sasl.jaas.config", scramLogin(user, password));
        return settings;
    }

    /** The client settings without the SASL login, for a configuration that gives {@code sasl.jaas.config} its own way. */
    public Map<String, Object> tlsSettings() {
        return Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", MECHANISM,
                "ssl.truststore.location", certificates.trustStore().toString(),
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", certificates.password());
    }

    /** The broker's own principal, the super user: the cluster operator's client settings. */
    public Map<String, Object> superUserSettings() {
        return clientSettings(SUPER_USER, brokerPassword);
    }

    public static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }
}
