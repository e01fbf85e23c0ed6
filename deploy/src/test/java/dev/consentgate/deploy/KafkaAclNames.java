package dev.consentgate.deploy;

import java.util.Locale;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/** Kafka's enums from the camel-case names Strimzi and kafka-acls.sh use ("DescribeConfigs", "transactionalId"). */
final class KafkaAclNames {

    private KafkaAclNames() {
    }

    static AclOperation operation(String camelCase) {
        return AclOperation.valueOf(constantName(camelCase));
    }

    static ResourceType resourceType(String camelCase) {
        return ResourceType.valueOf(constantName(camelCase));
    }

    private static String constantName(String camelCase) {
        return camelCase.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
