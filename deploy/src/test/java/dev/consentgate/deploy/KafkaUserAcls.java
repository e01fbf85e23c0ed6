package dev.consentgate.deploy;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;

/** What Strimzi's User Operator grants for KafkaUsers with simple authorization, as the Admin client's AclBindings. */
final class KafkaUserAcls {

    private KafkaUserAcls() {
    }

    static Set<AclBinding> of(List<KafkaUser> users) {
        return users.stream().flatMap(user -> of(user).stream()).collect(Collectors.toSet());
    }

    static Set<AclBinding> of(KafkaUser user) {
        String principal = "User:" + user.getMetadata().getName();
        KafkaUserAuthorizationSimple authorization = (KafkaUserAuthorizationSimple) user.getSpec().getAuthorization();
        return authorization.getAcls().stream()
                .flatMap(rule -> rule.getOperations().stream().map(operation -> new AclBinding(pattern(rule.getResource()),
                        new AccessControlEntry(principal, rule.getHost(), KafkaAclNames.operation(operation.toValue()),
                                permission(rule)))))
                .collect(Collectors.toSet());
    }

    private static AclPermissionType permission(AclRule rule) {
        // Strimzi's default type is allow.
        return rule.getType() == AclRuleType.DENY ? AclPermissionType.DENY : AclPermissionType.ALLOW;
    }

    private static ResourcePattern pattern(AclRuleResource resource) {
        var type = KafkaAclNames.resourceType(resource.getType());
        if (resource instanceof AclRuleTopicResource topic) {
            return new ResourcePattern(type, topic.getName(), patternType(topic.getPatternType()));
        } else if (resource instanceof AclRuleGroupResource group) {
            return new ResourcePattern(type, group.getName(), patternType(group.getPatternType()));
        } else if (resource instanceof AclRuleTransactionalIdResource transactionalId) {
            return new ResourcePattern(type, transactionalId.getName(), patternType(transactionalId.getPatternType()));
        } else if (resource instanceof AclRuleClusterResource) {
            return new ResourcePattern(type, Resource.CLUSTER_NAME, PatternType.LITERAL);
        }
        throw new IllegalArgumentException("unknown ACL resource " + resource);
    }

    private static PatternType patternType(AclResourcePatternType type) {
        return type == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
    }
}
