package dev.parley.ai.local;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.persona.Persona;
import java.util.List;
import java.util.Locale;

/**
 * Writes replies without any network or model: deterministic (the same persona, history and message
 * always give the same reply), persona-aware (the voice follows the persona's system prompt) and in
 * the script of the user's message (Chinese for Chinese, English otherwise). Good enough for demos,
 * load runs and tests; not an AI.
 */
public final class LocalReplyComposer {
    /** The model name reported for local replies. */
    public static final String MODEL = "parley-local-1";
    private static final int QUOTE_LENGTH = 80;

    private enum Voice {
        CAPTAIN(List.of("Aye, crewmate!", "Steady as she goes, crewmate.", "All hands on deck, crewmate!"),
                List.of("Chart the course one star at a time, and we'll make port.",
                        "Every storm passes; hold the wheel and keep going.",
                        "Trim the sails, trust the crew, and the stars will line up."),
                List.of("遵命，船员！", "稳住航向，船员。", "全体就位，船员！"),
                List.of("一颗星一颗星地规划航线，我们一定能靠岸。", "风暴总会过去，握紧舵轮继续前进。", "调整风帆，相信船员，星辰自会排好队。")),
        PROFESSOR(List.of("A good question.", "Let us take this step by step.", "Let us look at this carefully."),
                List.of("First, name what you already know; second, find the one piece that is missing. What would that piece be?",
                        "Break it into small steps and check each one before the next. Which step feels hardest?",
                        "Start from a simple example, then generalise. Can you think of such an example?"),
                List.of("好问题。", "我们一步一步来。", "我们仔细看一下。"),
                List.of("首先，说出你已经知道的；其次，找出缺少的那一块。那一块会是什么？", "把它分成小步骤，每一步检查后再进行下一步。哪一步最难？", "先从一个简单的例子开始，再推广。你能想到这样的例子吗？")),
        PLAIN(List.of("Thanks for your message.", "I hear you.", "Good to hear from you."),
                List.of("Tell me more and we will work it out together.", "Here is my take: keep it simple and go one step at a time.",
                        "That is worth thinking about; what matters most to you here?"),
                List.of("谢谢你的消息。", "我明白。", "很高兴收到你的消息。"),
                List.of("多告诉我一些，我们一起解决。", "我的看法是：保持简单，一步一步来。", "这值得思考；这里对你最重要的是什么？"));

        final List<String> openingsEn;
        final List<String> adviceEn;
        final List<String> openingsZh;
        final List<String> adviceZh;

        Voice(List<String> openingsEn, List<String> adviceEn, List<String> openingsZh, List<String> adviceZh) {
            this.openingsEn = openingsEn;
            this.adviceEn = adviceEn;
            this.openingsZh = openingsZh;
            this.adviceZh = adviceZh;
        }

        static Voice of(Persona persona) {
            String prompt = persona.systemPrompt().toLowerCase(Locale.ROOT);
            if (prompt.contains("captain") || prompt.contains("nautical") || prompt.contains("starship")) {
                return CAPTAIN;
            }
            if (prompt.contains("professor") || prompt.contains("step by step") || prompt.contains("explain")) {
                return PROFESSOR;
            }
            return PLAIN;
        }
    }

    public GeneratedReply compose(GenerationRequest request) {
        Persona persona = request.persona();
        Voice voice = Voice.of(persona);
        String content = request.userMessage().content().strip();
        int seed = (persona.systemPrompt() + '\u0000' + content + '\u0000' + request.history().size()).hashCode();
        String quote = quote(content);
        String reply;
        if (isChinese(content)) {
            reply = persona.name() + "：" + pick(voice.openingsZh, seed) + "你说「" + quote + "」。"
                    + pick(voice.adviceZh, seed >>> 8);
        } else {
            reply = persona.name() + ": " + pick(voice.openingsEn, seed) + " You said \"" + quote + "\". "
                    + pick(voice.adviceEn, seed >>> 8);
        }
        return new GeneratedReply(reply, MODEL);
    }

    private static String pick(List<String> options, int seed) {
        return options.get(Math.floorMod(seed, options.size()));
    }

    private static String quote(String content) {
        String oneLine = content.replaceAll("\\s+", " ");
        if (oneLine.codePointCount(0, oneLine.length()) <= QUOTE_LENGTH) {
            return oneLine;
        }
        return oneLine.substring(0, oneLine.offsetByCodePoints(0, QUOTE_LENGTH)) + "…";
    }

    private static boolean isChinese(String text) {
        return text.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
    }
}
