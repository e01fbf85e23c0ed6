package dev.consentgate.bench;

import dev.consentgate.sample.ContactUpdated;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** ContactUpdated events as a CRM writes them: every categorized field filled, about 300 bytes encoded. */
public final class SampleContacts {

    public static final String TOPIC = "crm.contacts";

    private SampleContacts() {
    }

    public static String customerId(int number) {
        return String.format("cust-%06d", number);
    }

    public static ContactUpdated contact(long index, String customerId, long eventTime, List<String> purposes) {
        int n = (int) (index % 1000);
        return ContactUpdated.newBuilder()
                .setEventId("evt-" + index)
                .setCustomerId(customerId)
                .setOccurredAt(Instant.ofEpochMilli(eventTime))
                .setPurposes(purposes)
                .setEmail("firstname.lastname." + n + "@mail.example.com")
                .setFirstName("Firstname" + n)
                .setLastName("Lastname-Doubled" + n)
                .setPhone("+49 30 5550 " + (1000 + n))
                .setPostalCode(Integer.toString(10000 + n * 7))
                .setCountry("DE")
                .setBirthDate(LocalDate.of(1950 + n % 50, 1 + n % 12, 1 + n % 28))
                .setGender(n % 2 == 0 ? "female" : "male")
                .setLifecycleStage("customer-since-2019-marketing-qualified-lead-converted-after-webinar-campaign-" + n)
                .build();
    }
}
