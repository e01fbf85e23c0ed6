package dev.consentgate.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process KRaft broker for one test class that requires TLS and SASL/SCRAM-SHA-512 and enforces ACLs
 * ({@link BrokerSecurity}): registered as {@code @RegisterExtension static final SecuredKafkaBroker KAFKA = new SecuredKafkaBroker();}.
 * Users and ACLs are created through the Admin API, as the cluster's operator (the super user).
 */
public final class SecuredKafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private static final int SCRAM_ITERATIONS = 8192;

    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.startSecured();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    public BrokerSecurity security() {
        return broker().security();
    }

    /** An Admin client of the cluster's operator: the super user. */
    public Admin operator() {
        Map<String, Object> settings = new HashMap<>(security().superUserSettings());
        settings.put("bootstrap.servers", bootstrapServers());
        return Admin.create(settings);
    }

    /** Creates (or replaces) a user's SCRAM-SHA-512 credential. */
    public void createUser(String user, String password) throws Exception {
        try (Admin admin = operator()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password))).all().get();
        }
    }

    /** Creates the ACLs. */
    public void grant(List<AclBinding> acls) throws Exception {
        try (Admin admin = operator()) {
            admin.createAcls(acls).all().get();
        }
    }

    private EmbeddedKafka broker() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only between the test class's beforeAll and afterAll");
        }
        return kafka;
    }
}
