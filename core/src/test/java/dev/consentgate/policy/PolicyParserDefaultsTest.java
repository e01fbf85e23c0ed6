package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a policy gets for the keys it leaves out, and how each kind of value source is read. */
class PolicyParserDefaultsTest {

    private static final String MINIMAL = """
            version: "7"
            purposes:
              marketing:
                basis: consent
                allow_categories: [user.contact]
            inputs:
              - topic: crm.contacts
                customer_id: { field: customerId }
                purposes: { field: purposes }
            """;

    private static Policy parse(String yaml) {
        return PolicyParser.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMinimalPolicyGetsEveryDefault() {
        Policy policy = parse(MINIMAL);

        assertThat(policy.version()).isEqualTo("7");
        assertThat(policy.enforcementMode()).isEqualTo(EnforcementMode.ENFORCE);
        assertThat(policy.purposes()).containsExactly(Map.entry(Purpose.of("marketing"),
                new PurposeRule(Purpose.of("marketing"), LegalBasis.CONSENT, MissingConsentAction.DROP,
                        Set.of(DataCategory.of("user.contact")), Set.of(), Map.of(), "crm.purpose.marketing", 3)));
        assertThat(policy.jurisdictions()).isEmpty();
        assertThat(policy.inputs()).containsExactly(new InputMapping("crm.contacts",
                ValueSource.field("customerId"), ValueSource.field("purposes"), ValueSource.timestamp(),
                Optional.empty(), Optional.empty(), false, Map.of(), Optional.empty(), Set.of()));
    }

    @Test
    void shadowModeIsRead() {
        Policy policy = parse(MINIMAL.replace("version: \"7\"", "version: \"7\"\nenforcement: { mode: shadow }"));

        assertThat(policy.enforcementMode()).isEqualTo(EnforcementMode.SHADOW);
    }

    @Test
    void thePrefixNamesDefaultTopicsAndAnExplicitTopicWins() {
        Policy policy = parse("""
                version: "7"
                output_topic_prefix: acme.consented.
                purposes:
                  marketing: { basis: consent, allow_categories: [user] }
                  essential.service: { basis: contract, topic: billing.events, allow_categories: [user] }
                inputs:
                  - { topic: crm.contacts, customer_id: { key: true }, purposes: { fixed: [marketing] } }
                """);

        assertThat(policy.outputTopics()).containsExactly("acme.consented.marketing", "billing.events");
    }

    @ParameterizedTest(name = "customer_id {0}, keyed_by_customer_id {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            { key: true }              | (absent) | true
            { field: customerId }      | (absent) | false
            { header: x-customer-id }  | (absent) | false
            { key: true }              | false    | false
            { field: customerId }      | true     | true
            """)
    void keyedByCustomerIdDefaultsToWhetherTheCustomerIdIsTheKey(String customerId, String keyed, boolean expected) {
        String keyedLine = keyed.equals("(absent)") ? "" : "    keyed_by_customer_id: " + keyed + "\n";
        Policy policy = parse(MINIMAL.replace("{ field: customerId }\n", customerId + "\n" + keyedLine));

        assertThat(policy.inputs().get(0).keyedByCustomerId()).isEqualTo(expected);
    }

    @Test
    void everyKindOfValueSourceIsRead() {
        Policy policy = parse(MINIMAL + """
                  - topic: crm.web-events
                    customer_id: { header: x-customer-id }
                    purposes: { fixed: [marketing, analytics.reporting] }
                    event_time: { header: x-occurred-at }
                    event_id: { key: true }
                    jurisdiction: { field: customer.address.country }
                  - topic: crm.orders
                    customer_id: { key: true }
                    purposes: { header: x-purpose }
                    event_time: { field: occurredAt }
                    event_id: { header: x-event-id }
                    jurisdiction: { header: x-jurisdiction }
                """);

        assertThat(policy.input("crm.web-events")).contains(new InputMapping("crm.web-events",
                ValueSource.header("x-customer-id"), ValueSource.fixed(List.of("marketing", "analytics.reporting")),
                ValueSource.header("x-occurred-at"), Optional.of(ValueSource.key()),
                Optional.of(ValueSource.field("customer.address.country")), false, Map.of(), Optional.empty(), Set.of()));
        assertThat(policy.input("crm.orders")).contains(new InputMapping("crm.orders",
                ValueSource.key(), ValueSource.header("x-purpose"), ValueSource.field("occurredAt"),
                Optional.of(ValueSource.header("x-event-id")), Optional.of(ValueSource.header("x-jurisdiction")),
                true, Map.of(), Optional.empty(), Set.of()));
    }

    @Test
    void anEmptyAllowListAllowsNothing() {
        Policy policy = parse(MINIMAL.replace("allow_categories: [user.contact]", "allow_categories: []"));

        PurposeRule rule = policy.purposes().get(Purpose.of("marketing"));
        assertThat(rule.allowCategories()).isEmpty();
        assertThat(rule.mayDisclose(DataCategory.of("user.name"))).isFalse();
        assertThat(rule.mayDisclose(DataCategory.PERSONAL)).isFalse();
    }

    @Test
    void allowedPurposesAndPassedHeadersOfAnInputAreRead() {
        Policy policy = parse(MINIMAL + """
                    allowed_purposes: [marketing.communications]
                    pass_headers: [traceparent, x-tenant]
                """);

        InputMapping input = policy.inputs().get(0);
        assertThat(input.allowedPurposes()).contains(Set.of(Purpose.of("marketing.communications")));
        assertThat(input.passHeaders()).containsExactlyInAnyOrder("traceparent", "x-tenant");
        assertThat(input.mayDeclare(Purpose.of("marketing.communications.email"))).isTrue();
        assertThat(input.mayDeclare(Purpose.of("marketing"))).isFalse();
        assertThat(input.mayDeclare(Purpose.of("marketing.advertising"))).isFalse();
    }

    @Test
    void aJurisdictionWithNothingAfterItsCodeIsOptIn() {
        Policy policy = parse(MINIMAL + "jurisdictions:\n  EU:\n");

        assertThat(policy.jurisdictions()).containsExactly(Map.entry("EU", new JurisdictionRule("EU", Set.of())));
    }
}
