package dev.streamstate.pipelines.samples;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Built-in data for {@code --source=generator}, so every pipeline runs with no server at all.
 * Record {@code i} is always the same (seeded by {@code i}), which keeps demos reproducible.
 */
public final class Generators {
  private Generators() {}

  /** Makes the payload of the i-th generated record, exactly as a Kafka message value would be. */
  @FunctionalInterface
  public interface Generator extends Serializable {
    String payload(long index);
  }

  private static final String[] WORDS = {
    "spark", "beam", "stream", "state", "window", "batch", "event", "time", "kafka", "cassandra",
    "count", "word", "late", "data", "source", "sink", "key", "value", "checkpoint", "driver"
  };
  private static final String[] LOG_LINES = {
    "INFO request served",
    "INFO request served",
    "INFO cache hit",
    "WARN slow response",
    "WARN retrying connection",
    "ERROR disk full"
  };
  private static final String[] PRODUCTS = {
    "laptop", "phone", "headphones", "keyboard", "monitor", "mouse", "charger", "tablet"
  };

  /** Sentences of two to eight words, skewed towards common words (as text is). */
  public static final Generator SENTENCES =
      index -> {
        SplittableRandom random = new SplittableRandom(index);
        StringBuilder line = new StringBuilder();
        int words = 2 + random.nextInt(7);
        for (int i = 0; i < words; i++) {
          int skewed = (int) (WORDS.length * Math.pow(random.nextDouble(), 2));
          line.append(i == 0 ? "" : " ").append(WORDS[skewed]);
        }
        return line.toString();
      };

  /** Whole log lines, some more frequent than others. */
  public static final Generator LOG =
      index -> LOG_LINES[new SplittableRandom(index).nextInt(LOG_LINES.length)];

  /** Whole numbers between -50 and 200. */
  public static final Generator NUMBERS =
      index -> Integer.toString(new SplittableRandom(index).nextInt(-50, 201));

  /** {@code key value} lines over a handful of keys. */
  public static final Generator KEY_VALUES =
      index -> {
        SplittableRandom random = new SplittableRandom(index);
        return "sensor-" + random.nextInt(5) + " " + random.nextInt(0, 100);
      };

  /** {@code product,quantity} sales, a few products selling more than the rest. */
  public static final Generator SALES =
      index -> {
        SplittableRandom random = new SplittableRandom(index);
        int skewed = (int) (PRODUCTS.length * Math.pow(random.nextDouble(), 1.5));
        return PRODUCTS[skewed] + "," + (1 + random.nextInt(5));
      };

  private static final String[] PAGES = {"home", "search", "product", "cart", "checkout", "help"};
  private static final String[] ACTIVITY_NAMES = {"browsing", "reading", "watching", "idle"};

  /** Events of 20 users clicking through pages; about one in eight ends the user's session. */
  public static final Generator USER_EVENTS =
      index -> {
        SplittableRandom random = new SplittableRandom(index);
        return "{\"id\":"
            + random.nextInt(1, 21)
            + ",\"data\":\""
            + PAGES[random.nextInt(PAGES.length)]
            + "\",\"isLast\":"
            + (random.nextInt(8) == 0)
            + "}";
      };

  /** Activities of 10 users, stamped with the time they are made (their own event time). */
  public static final Generator ACTIVITIES =
      index -> {
        SplittableRandom random = new SplittableRandom(index);
        return "{\"user\":\"user-"
            + random.nextInt(10)
            + "\",\"timestamp\":"
            + System.currentTimeMillis()
            + ",\"activity\":\""
            + ACTIVITY_NAMES[random.nextInt(ACTIVITY_NAMES.length)]
            + "\"}";
      };

  /** Transactions as the fraud producer writes them, with about one line in fifty unreadable. */
  public static final Generator TRANSACTIONS =
      index -> {
        SplittableRandom random = new SplittableRandom(index);
        if (random.nextInt(50) == 0) {
          return (index + 1) + ",13/45/2026,123-ABC-789,x,Misc";
        }
        return SampleTransactions.csv(
            index + 1,
            java.time.LocalDate.now(java.time.ZoneOffset.UTC),
            SampleTransactions.ACCOUNTS.get(random.nextInt(SampleTransactions.ACCOUNTS.size())),
            SampleTransactions.AMOUNTS.get(random.nextInt(SampleTransactions.AMOUNTS.size())),
            SampleTransactions.DESCRIPTIONS.get(
                random.nextInt(SampleTransactions.DESCRIPTIONS.size())));
      };

  /** Ad impressions, {@code ad,user}: ten ads shown to fifty users (the left stream of join). */
  public static final Generator IMPRESSIONS =
      index -> {
        SplittableRandom random = new SplittableRandom(index);
        return "ad-" + random.nextInt(10) + ",user-" + random.nextInt(50);
      };

  /** Clicks on the same ads, {@code ad,user} (the right stream of join). */
  public static final Generator CLICKS =
      index -> {
        SplittableRandom random = new SplittableRandom(-1 - index);
        return "ad-" + random.nextInt(10) + ",user-" + random.nextInt(50);
      };
}
