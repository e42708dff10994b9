package dev.sycostream.synthetic;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The input as it appears in a synthetic claim (Wei et al. 2023): each text field with double quotes and newlines
 * removed and surrounding whitespace stripped, wrapped in double quotes; several fields joined with " and ".
 *
 * <p>Quotes are removed, not escaped, so the quotes around each field are the only ones in the claim and a model
 * can always tell where the input ends; newlines are removed so the claim stays on one line of the prompt.
 */
public final class InputText {
    private InputText() {
    }

    /** E.g. {@code ["A \"b\"\n", " c"]} gives {@code "A b" and "c"}. */
    public static String format(List<String> fields) {
        if (fields == null || fields.isEmpty()) {
            throw new IllegalArgumentException("an input needs at least one text field");
        }
        return fields.stream().map(InputText::quote).collect(Collectors.joining(" and "));
    }

    private static String quote(String field) {
        if (field == null) {
            throw new IllegalArgumentException("a text field is null");
        }
        String clean = field.replace("\"", "").replace("\r", "").replace("\n", "").strip();
        return "\"" + clean + "\"";
    }
}
