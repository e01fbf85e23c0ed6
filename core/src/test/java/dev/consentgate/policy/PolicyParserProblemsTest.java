package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A policy with problems is refused with every problem, each at its line, in the FILE:LINE: message shape. */
class PolicyParserProblemsTest {

    /** A valid policy; most cases change one line of it. Lines are numbered on the right. */
    private static final String VALID = """
            version: "1"
            purposes:
              marketing:
                basis: consent
                allow_categories: [user.contact]
              essential.service:
                basis: contract
                allow_categories: [user, system]
            jurisdictions:
              US-CA: { opt_out_purposes: [marketing] }
            inputs:
              - topic: crm.contacts
                customer_id: { field: customerId }
                purposes: { field: purposes }
            """;
    //       1 version
    //       2 purposes:
    //       3   marketing:
    //       4     basis: consent
    //       5     allow_categories: [user.contact]
    //       6   essential.service:
    //       7     basis: contract
    //       8     allow_categories: [user, system]
    //       9 jurisdictions:
    //      10   US-CA: { opt_out_purposes: [marketing] }
    //      11 inputs:
    //      12   - topic: crm.contacts
    //      13     customer_id: { field: customerId }
    //      14     purposes: { field: purposes }

    private static final String NO_ALLOW_LIST = "purpose marketing has no allow_categories: every purpose must list the data "
            + "categories it may see, e.g. allow_categories: [user.contact.email, system.operations], or [user, system] to keep every field";

    /** The valid policy with {@code text}, which must occur once, replaced. */
    private static String with(String text, String replacement) {
        assertThat(VALID.split(Pattern.quote(text), -1)).as("occurrences of " + text).hasSize(2);
        return VALID.replace(text, replacement);
    }

    private static List<String> problemsOf(String yaml) {
        PolicyException e = catchThrowableOfType(PolicyException.class,
                () -> PolicyParser.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as("parsing should fail").isNotNull();
        return e.problems().stream().map(p -> p.format("policy.yaml")).toList();
    }

    @Test
    void theValidPolicyParses() {
        assertThat(PolicyParser.parse("policy.yaml", VALID.getBytes(StandardCharsets.UTF_8)).purposes()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPolicies")
    void reportsEachProblemAtItsLine(String problem, String yaml, List<String> expected) {
        assertThat(problemsOf(yaml)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> invalidPolicies() {
        return Stream.of(
                // The file as a whole
                Arguments.of("YAML syntax error", with("{ field: purposes }", "{ field: purposes"),
                        List.of("policy.yaml:15: YAML syntax error: while parsing a flow mapping, expected ',' or '}', but got <stream end>")),
                Arguments.of("empty file", "",
                        List.of("policy.yaml:0: the policy file is empty")),
                Arguments.of("not a map", "- version\n- purposes\n",
                        List.of("policy.yaml:0: the policy must be a map, found a list")),
                Arguments.of("missing version", with("version: \"1\"", "# no version"),
                        List.of("policy.yaml:0: missing required key 'version' in the policy")),
                Arguments.of("empty version", with("version: \"1\"", "version: \"\""),
                        List.of("policy.yaml:1: version in the policy must not be empty")),
                Arguments.of("unknown section", with("jurisdictions:", "jurisdiction:"),
                        List.of("policy.yaml:9: unknown key 'jurisdiction' in the policy: expected one of version, "
                                + "enforcement, output_topic_prefix, purposes, jurisdictions, signals, inputs")),
                Arguments.of("unknown enforcement mode", with("version: \"1\"", "version: \"1\"\nenforcement: { mode: dry }"),
                        List.of("policy.yaml:2: unknown enforcement mode 'dry': expected one of enforce, shadow")),
                Arguments.of("illegal topic prefix", with("version: \"1\"", "version: \"1\"\noutput_topic_prefix: crm purpose."),
                        List.of("policy.yaml:2: output_topic_prefix 'crm purpose.' in the policy is not a legal Kafka topic "
                                + "name: use only letters, digits, '.', '_' and '-', at most 249 characters")),

                // Purposes
                Arguments.of("missing purposes", """
                        version: "1"
                        inputs:
                          - { topic: crm.contacts, customer_id: { key: true }, purposes: { fixed: [marketing] } }
                        """,
                        List.of("policy.yaml:0: missing required key 'purposes' in the policy")),
                Arguments.of("empty purposes", """
                        version: "1"
                        purposes: {}
                        inputs:
                          - { topic: crm.contacts, customer_id: { key: true }, purposes: { fixed: [marketing] } }
                        """,
                        List.of("policy.yaml:2: purposes must define at least one purpose rule")),
                Arguments.of("purposes as a list", """
                        version: "1"
                        purposes: [marketing]
                        inputs:
                          - { topic: crm.contacts, customer_id: { key: true }, purposes: { fixed: [marketing] } }
                        """,
                        List.of("policy.yaml:2: purposes must be a map, found a list")),
                Arguments.of("misspelled key in a rule", with("allow_categories: [user.contact]", "allow_categroies: [user.contact]"),
                        List.of("policy.yaml:3: " + NO_ALLOW_LIST,
                                "policy.yaml:5: unknown key 'allow_categroies' in purpose marketing: expected one of "
                                + "basis, on_missing_consent, allow_categories, deny_categories, redact, encrypt_categories, topic, review")),
                Arguments.of("a rule without allow_categories", with("    allow_categories: [user.contact]\n", ""),
                        List.of("policy.yaml:3: " + NO_ALLOW_LIST)),
                Arguments.of("event id read from the customer id's field",
                        with("    purposes: { field: purposes }\n", "    purposes: { field: purposes }\n    event_id: { field: customerId }\n"),
                        List.of("policy.yaml:15: event_id of input crm.contacts is read from the same place as its customer id: "
                                + "the event id is written in the clear to the audit topic, so it must not be the customer id; "
                                + "name another field or header, or leave event_id out")),
                Arguments.of("event id from the key of an input keyed by customer id",
                        with("    purposes: { field: purposes }\n", "    purposes: { field: purposes }\n    keyed_by_customer_id: true\n"
                                + "    event_id: { key: true }\n"),
                        List.of("policy.yaml:16: event_id of input crm.contacts is read from the same place as its customer id: "
                                + "the event id is written in the clear to the audit topic, so it must not be the customer id; "
                                + "name another field or header, or leave event_id out")),
                Arguments.of("the customer id's header passed to the purposes",
                        with("    customer_id: { field: customerId }\n", "    customer_id: { header: x-customer-id }\n"
                                + "    pass_headers: [traceparent, x-customer-id]\n"),
                        List.of("policy.yaml:14: pass_headers of input crm.contacts lists x-customer-id, the header its customer id "
                                + "is read from: every purpose would get the id in the clear, also one that gets only its hash as the "
                                + "record key; remove it from pass_headers")),
                Arguments.of("an allowed purpose without a rule",
                        with("    purposes: { field: purposes }\n", "    purposes: { field: purposes }\n    allowed_purposes: [marketing.email, sales]\n"),
                        List.of("policy.yaml:15: allowed purpose sales of input crm.contacts has no purpose rule above or below it")),
                Arguments.of("invalid purpose key", with("essential.service:", "Essential.Service:"),
                        List.of("policy.yaml:6: purpose 'Essential.Service' is not a dotted key of lowercase words "
                                + "(e.g. marketing.communications.email)")),
                Arguments.of("invalid category", with("[user.contact]", "[user.Contact]"),
                        List.of("policy.yaml:5: data category 'user.Contact' is not a dotted key of lowercase words "
                                + "(e.g. marketing.communications.email)")),
                Arguments.of("purpose defined twice", with("essential.service:", "marketing:"),
                        List.of("policy.yaml:6: overlapping purpose rules: purpose marketing is defined twice (first at line 3)")),
                Arguments.of("key given twice in a rule", with("basis: consent", "basis: consent\n    basis: contract"),
                        List.of("policy.yaml:5: duplicate key 'basis' in purpose marketing (first at line 4)")),
                Arguments.of("category both allowed and denied",
                        with("[user.contact]", "[user.contact]\n    deny_categories: [user.contact]"),
                        List.of("policy.yaml:5: overlapping category rules: user.contact is both allowed and denied "
                                + "in purpose marketing")),
                Arguments.of("allowed category covered by a denied one",
                        with("[user.contact]", "[user.contact.email]\n    deny_categories: [user.contact]"),
                        List.of("policy.yaml:5: overlapping category rules: allowed category user.contact.email in "
                                + "purpose marketing is covered by denied category user.contact, so it could never pass")),
                Arguments.of("category listed twice", with("[user.contact]", "[user.contact, user.contact]"),
                        List.of("policy.yaml:5: duplicate entry user.contact in allow_categories in purpose marketing "
                                + "(first at line 5)")),
                Arguments.of("two purposes on one topic",
                        with("basis: contract", "basis: contract\n    topic: crm.purpose.marketing"),
                        List.of("policy.yaml:6: purposes marketing and essential.service share the output topic "
                                + "crm.purpose.marketing: each purpose needs its own topic")),
                Arguments.of("purpose topic that is an input topic",
                        with("basis: contract", "basis: contract\n    topic: crm.contacts"),
                        List.of("policy.yaml:6: purpose essential.service writes to crm.contacts, which is an input topic: "
                                + "each purpose needs a topic of its own, apart from the inputs")),
                Arguments.of("illegal topic", with("basis: contract", "basis: contract\n    topic: service/events"),
                        List.of("policy.yaml:8: topic 'service/events' in purpose essential.service is not a legal Kafka "
                                + "topic name: use only letters, digits, '.', '_' and '-', at most 249 characters")),
                Arguments.of("unknown basis", with("basis: consent", "basis: consnet"),
                        List.of("policy.yaml:4: unknown basis 'consnet' for purpose marketing: expected one of consent, "
                                + "contract, legitimate_interest, legal_obligation")),
                Arguments.of("missing basis", with("    basis: consent\n", ""),
                        List.of("policy.yaml:3: missing required key 'basis' in purpose marketing")),
                Arguments.of("basis as a list", with("basis: consent", "basis: [consent]"),
                        List.of("policy.yaml:4: basis for purpose marketing must be a text value, found a list")),
                Arguments.of("unknown on_missing_consent", with("basis: consent", "basis: consent\n    on_missing_consent: skip"),
                        List.of("policy.yaml:5: unknown on_missing_consent 'skip' for purpose marketing: expected one of "
                                + "drop, redact, tag")),
                Arguments.of("unknown review requirement", with("basis: consent", "basis: consent\n    review: maybe"),
                        List.of("policy.yaml:5: unknown review 'maybe' for purpose marketing: expected one of none, required")),
                Arguments.of("on_missing_consent for contract",
                        with("basis: contract", "basis: contract\n    on_missing_consent: drop"),
                        List.of("policy.yaml:8: on_missing_consent is not allowed for purpose essential.service: basis "
                                + "contract is always permitted, so it would never apply")),
                Arguments.of("unknown redaction action", with("basis: consent", "basis: consent\n    redact: { user.name: blur }"),
                        List.of("policy.yaml:5: unknown redaction action 'blur' for user.name in purpose marketing: "
                                + "expected one of remove, hash, mask, generalize, encrypt")),
                Arguments.of("encrypting a category the purpose may not see",
                        with("basis: consent", "basis: consent\n    encrypt_categories: [user.financial]"),
                        List.of("policy.yaml:5: encrypt_categories of purpose marketing lists user.financial, which the purpose "
                                + "may not see: its fields are removed, never encrypted; allow it or leave it out")),
                Arguments.of("category redacted twice",
                        with("basis: consent", "basis: consent\n    redact: { user.name: hash, user.name: remove }"),
                        List.of("policy.yaml:5: duplicate category user.name in redact of purpose marketing (first at line 5)")),
                Arguments.of("categories not a list", with("[user.contact]", "user.contact"),
                        List.of("policy.yaml:5: allow_categories in purpose marketing must be a list, found 'user.contact'")),

                // Jurisdictions
                Arguments.of("opt-out purpose without a rule", with("[marketing]", "[third_party_sharing]"),
                        List.of("policy.yaml:10: opt-out purpose third_party_sharing in jurisdiction US-CA is not covered "
                                + "by any purpose rule")),
                Arguments.of("bad jurisdiction code", with("US-CA:", "us-ca:"),
                        List.of("policy.yaml:10: jurisdiction code 'us-ca' must be two capital letters, optionally "
                                + "followed by '-' and 1 to 3 capitals or digits (EU, BR, US-CA)")),
                Arguments.of("unknown key in a jurisdiction", with("opt_out_purposes:", "opt_out:"),
                        List.of("policy.yaml:10: unknown key 'opt_out' in jurisdiction US-CA: expected one of opt_out_purposes")),

                // Inputs
                Arguments.of("missing inputs", with("inputs:", "outputs:"),
                        List.of("policy.yaml:0: missing required key 'inputs' in the policy",
                                "policy.yaml:11: unknown key 'outputs' in the policy: expected one of version, "
                                        + "enforcement, output_topic_prefix, purposes, jurisdictions, signals, inputs")),
                Arguments.of("inputs as a map", """
                        version: "1"
                        purposes: { marketing: { basis: consent, allow_categories: [user] } }
                        inputs: { topic: crm.contacts }
                        """,
                        List.of("policy.yaml:3: inputs in the policy must be a list, found a map")),
                Arguments.of("empty inputs", """
                        version: "1"
                        purposes: { marketing: { basis: consent, allow_categories: [user] } }
                        inputs: []
                        """,
                        List.of("policy.yaml:3: inputs must list at least one input")),
                Arguments.of("input without topic", with("  - topic: crm.contacts\n    customer_id:", "  - customer_id:"),
                        List.of("policy.yaml:12: missing required key 'topic' in input #1")),
                Arguments.of("illegal input topic", with("topic: crm.contacts", "topic: crm contacts"),
                        List.of("policy.yaml:12: topic 'crm contacts' in input crm contacts is not a legal Kafka topic "
                                + "name: use only letters, digits, '.', '_' and '-', at most 249 characters")),
                Arguments.of("input topic mapped twice", VALID + """
                          - topic: crm.contacts
                            customer_id: { key: true }
                            purposes: { field: purposes }
                        """,
                        List.of("policy.yaml:15: duplicate input topic crm.contacts (first at line 12)")),
                Arguments.of("input without customer_id", with("    customer_id: { field: customerId }\n", ""),
                        List.of("policy.yaml:12: missing required key 'customer_id' in input crm.contacts")),
                Arguments.of("input without purposes", with("    purposes: { field: purposes }\n", ""),
                        List.of("policy.yaml:12: missing required key 'purposes' in input crm.contacts")),
                Arguments.of("unknown key in an input", with("purposes: { field: purposes }",
                                "purposes: { field: purposes }\n    event_tiem: { field: occurredAt }"),
                        List.of("policy.yaml:15: unknown key 'event_tiem' in input crm.contacts: expected one of topic, "
                                + "customer_id, purposes, event_time, event_id, jurisdiction, keyed_by_customer_id, categories, allowed_purposes, pass_headers, signals")),
                Arguments.of("source without a kind", with("{ field: customerId }", "{}"),
                        List.of("policy.yaml:13: customer_id of input crm.contacts must name one of field, header, key")),
                Arguments.of("source with two kinds", with("{ field: customerId }", "{ field: customerId, header: x-customer }"),
                        List.of("policy.yaml:13: customer_id of input crm.contacts must have exactly one of field, "
                                + "header, key, found field and header")),
                Arguments.of("misspelled kind", with("{ field: customerId }", "{ feild: customerId }"),
                        List.of("policy.yaml:13: unknown key 'feild' in customer_id of input crm.contacts: expected one "
                                + "of field, header, key")),
                Arguments.of("source as a list", with("{ field: customerId }", "[customerId]"),
                        List.of("policy.yaml:13: customer_id of input crm.contacts must be a map, found a list")),
                Arguments.of("fixed customer id", with("{ field: customerId }", "{ fixed: [c-1] }"),
                        List.of("policy.yaml:13: fixed is not allowed for customer_id of input crm.contacts: expected "
                                + "one of field, header, key")),
                Arguments.of("purposes from the timestamp", with("{ field: purposes }", "{ timestamp: true }"),
                        List.of("policy.yaml:14: timestamp is not allowed for purposes of input crm.contacts: expected "
                                + "one of field, header, fixed")),
                Arguments.of("key: false", with("{ field: customerId }", "{ key: false }"),
                        List.of("policy.yaml:13: key: false is not allowed in customer_id of input crm.contacts: write "
                                + "key: true, or name a field or header instead")),
                Arguments.of("key: not a boolean", with("{ field: customerId }", "{ key: customerId }"),
                        List.of("policy.yaml:13: key in customer_id of input crm.contacts must be true or false, found "
                                + "'customerId'")),
                Arguments.of("field path with a space", with("{ field: customerId }", "{ field: customer id }"),
                        List.of("policy.yaml:13: 'customer id' in customer_id of input crm.contacts is not a field "
                                + "path: field names joined by dots, e.g. customer.email")),
                Arguments.of("empty fixed purposes", with("{ field: purposes }", "{ fixed: [] }"),
                        List.of("policy.yaml:14: fixed in purposes of input crm.contacts must list at least one purpose")),
                Arguments.of("invalid fixed purpose", with("{ field: purposes }", "{ fixed: [marketing, Sales] }"),
                        List.of("policy.yaml:14: purpose 'Sales' is not a dotted key of lowercase words "
                                + "(e.g. marketing.communications.email)")),
                Arguments.of("keyed_by_customer_id not a boolean", with("purposes: { field: purposes }",
                                "purposes: { field: purposes }\n    keyed_by_customer_id: maybe"),
                        List.of("policy.yaml:15: keyed_by_customer_id in input crm.contacts must be true or false, "
                                + "found 'maybe'")),
                Arguments.of("invalid field category", with("purposes: { field: purposes }",
                                "purposes: { field: purposes }\n    categories: { email: user.Email }"),
                        List.of("policy.yaml:15: data category 'user.Email' is not a dotted key of lowercase words "
                                + "(e.g. marketing.communications.email)")),
                Arguments.of("invalid categorized field path", with("purposes: { field: purposes }",
                                "purposes: { field: purposes }\n    categories: { e-mail: user.contact.email }"),
                        List.of("policy.yaml:15: 'e-mail' in categories of input crm.contacts is not a field path: "
                                + "field names joined by dots, e.g. customer.email")));
    }

    @Test
    void reportsEveryProblemOfAFileInLineOrder() {
        // The inputs come first so that the problems are found in another order than they are listed.
        String yaml = """
                inputs:
                  - topic: crm.contacts
                    customer_id: { key: false }
                    purposes: { fixed: [] }
                purposes:
                  marketing:
                    basis: consnet
                    allow_categroies: [user.contact]
                  marketing:
                    basis: consent
                  essential.service:
                    basis: contract
                    on_missing_consent: tag
                jurisdictions:
                  us-ca: { opt_out_purposes: [sales] }
                """;

        assertThat(problemsOf(yaml)).containsExactly(
                "policy.yaml:0: missing required key 'version' in the policy",
                "policy.yaml:3: key: false is not allowed in customer_id of input crm.contacts: write key: true, "
                        + "or name a field or header instead",
                "policy.yaml:4: fixed in purposes of input crm.contacts must list at least one purpose",
                "policy.yaml:6: " + NO_ALLOW_LIST,
                "policy.yaml:7: unknown basis 'consnet' for purpose marketing: expected one of consent, contract, "
                        + "legitimate_interest, legal_obligation",
                "policy.yaml:8: unknown key 'allow_categroies' in purpose marketing: expected one of basis, "
                        + "on_missing_consent, allow_categories, deny_categories, redact, encrypt_categories, topic, review",
                "policy.yaml:9: overlapping purpose rules: purpose marketing is defined twice (first at line 6)",
                "policy.yaml:11: " + NO_ALLOW_LIST.replace("purpose marketing", "purpose essential.service"),
                "policy.yaml:13: on_missing_consent is not allowed for purpose essential.service: basis contract is "
                        + "always permitted, so it would never apply",
                "policy.yaml:15: jurisdiction code 'us-ca' must be two capital letters, optionally followed by '-' "
                        + "and 1 to 3 capitals or digits (EU, BR, US-CA)",
                "policy.yaml:15: opt-out purpose sales in jurisdiction us-ca is not covered by any purpose rule");
    }

    @Test
    void theExceptionMessageListsTheProblemsOneALine() {
        PolicyException e = catchThrowableOfType(PolicyException.class,
                () -> PolicyParser.parse("p.yaml", with("basis: consent", "basis: consnet").getBytes(StandardCharsets.UTF_8)));

        assertThat(e.getMessage()).isEqualTo("p.yaml:4: unknown basis 'consnet' for purpose marketing: expected one of "
                + "consent, contract, legitimate_interest, legal_obligation");
        assertThat(e.file()).isEqualTo("p.yaml");
    }
}
