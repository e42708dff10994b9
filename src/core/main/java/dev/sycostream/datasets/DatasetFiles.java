package dev.sycostream.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The checks every dataset file passes before any line of it is read. Each refusal is one line that says what the
 * file is and what to do; nothing of a refused file is sent anywhere.
 *
 * <p>These are the ways real files have been wrong: a Git LFS pointer checked out instead of the data (a clone
 * without {@code git lfs pull}), an empty download, and a published file that was a byte copy of another task's
 * file (a copy ingested under a second task would score one set of questions twice, under two names).
 */
public final class DatasetFiles {
    /** The first line of every Git LFS pointer file. */
    static final String LFS_POINTER = "version https://git-lfs.github.com/spec/v1";
    /** Files over this size (256 MiB) are refused: every dataset this project reads is far smaller. */
    public static final long MAX_FILE_BYTES = 256L << 20;

    /** A file refused before reading, with the one-line reason. */
    public static final class Refused extends IllegalArgumentException {
        public Refused(String message) {
            super(message);
        }
    }

    private DatasetFiles() {
    }

    /** Reads a whole file after the size check, then {@link #refuseKnownBad}. */
    public static byte[] readChecked(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new Refused(file + ": " + size + " bytes, over the limit of " + MAX_FILE_BYTES + " for a dataset file");
        }
        byte[] bytes = Files.readAllBytes(file);
        refuseKnownBad(file.toString(), bytes);
        return bytes;
    }

    /** Reads a whole stream (not closed here), then {@link #refuseKnownBad}. */
    public static byte[] readChecked(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_FILE_BYTES + 1));
        if (bytes.length > MAX_FILE_BYTES) {
            throw new Refused(name + ": over the limit of " + MAX_FILE_BYTES + " bytes for a dataset file");
        }
        refuseKnownBad(name, bytes);
        return bytes;
    }

    /**
     * Refuses an empty (or whitespace-only) file and a Git LFS pointer.
     *
     * @throws Refused with a one-line reason
     */
    public static void refuseKnownBad(String name, byte[] bytes) {
        if (isBlank(bytes)) {
            throw new Refused(name + ": the file is empty" + (bytes.length > 0 ? " (only whitespace)" : "")
                    + "; nothing to ingest");
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
        if (head.startsWith(LFS_POINTER)) {
            throw new Refused(name + ": this is a Git LFS pointer, not the data (run 'git lfs pull' in its repository,"
                    + " or download the file itself)");
        }
    }

    /**
     * Refuses a file byte-identical to one already ingested under another task.
     *
     * @param sha256 the file's fingerprint
     * @param known  fingerprint to the tasks that hold items read from a file with it
     * @throws Refused naming the other task
     */
    public static void refuseCopyOfOtherTask(String name, String task, String sha256, Map<String, Set<String>> known) {
        for (String other : known.getOrDefault(sha256, Set.of())) {
            if (!other.equals(task)) {
                throw new Refused(name + ": byte-identical (sha256 " + sha256.substring(0, 12) + "...) to the file already"
                        + " ingested as task " + other + "; a copy under " + task + " would count the same questions twice"
                        + " under two names");
            }
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
