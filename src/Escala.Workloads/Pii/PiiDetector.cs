namespace Escala.Workloads.Pii;

/// <summary>
/// Finds Brazilian personal data in text: identifiers by their check digits, the rest by format and the label words
/// around them. Thread-safe and allocation-light; use <see cref="Default"/>. No server needed.
/// </summary>
/// <remarks>
/// One pass finds the digits (vectorised), reads each number whole and tries its stretches against the numeric
/// types; '@' finds e-mails. Overlaps keep the higher score, then the longer span.
/// </remarks>
public sealed class PiiDetector
{
    /// <summary>The shared instance.</summary>
    public static PiiDetector Default { get; } = new();

    /// <summary>The entities of <paramref name="text"/> scoring at least <paramref name="threshold"/>, in text order.</summary>
    public IReadOnlyList<PiiEntity> Scan(string text, double threshold = PiiDefaults.Threshold)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<Candidate>();
        Find(text, found, threshold);
        return ToEntities(text, found, 0, 0);
    }

    /// <summary>Converts candidates of <paramref name="text"/> to entities, offsets shifted by the text's own position in a stream.</summary>
    internal static List<PiiEntity> ToEntities(ReadOnlySpan<char> text, List<Candidate> found, long utf16Base, long codePointBase)
    {
        var entities = new List<PiiEntity>(found.Count);
        var surrogates = text.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
        var position = 0;
        long codePoints = 0;
        foreach (var c in found)
        {
            if (surrogates)
            {
                codePoints += CodePoints(text[position..c.Start]);
                var start = codePoints;
                codePoints += CodePoints(text[c.Start..c.End]);
                position = c.End;
                entities.Add(new PiiEntity(c.Type, utf16Base + c.Start, utf16Base + c.End, codePointBase + start, codePointBase + codePoints, c.Score));
            }
            else
            {
                entities.Add(new PiiEntity(c.Type, utf16Base + c.Start, utf16Base + c.End, codePointBase + c.Start, codePointBase + c.End, c.Score));
            }
        }

        return entities;
    }

    internal static int CodePoints(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    /// <summary>Adds to <paramref name="found"/> the entities at or above <paramref name="threshold"/>, without overlaps, in text order.</summary>
    internal void Find(ReadOnlySpan<char> text, List<Candidate> found, double threshold)
    {
        var raw = new List<Candidate>();
        FindEmails(text, raw);
        FindFromDigits(text, raw);
        Resolve(raw, found, threshold);
    }

    private static void FindEmails(ReadOnlySpan<char> text, List<Candidate> raw)
    {
        var i = 0;
        while (i < text.Length)
        {
            var k = text[i..].IndexOf('@');
            if (k < 0)
            {
                return;
            }

            var at = i + k;
            if (TokenRecognizers.TryEmail(text, at, out var email))
            {
                raw.Add(email);
                i = email.End;
            }
            else
            {
                i = at + 1;
            }
        }
    }

    private static void FindFromDigits(ReadOnlySpan<char> text, List<Candidate> raw)
    {
        var i = 0;
        while (i < text.Length)
        {
            var k = text[i..].IndexOfAnyInRange('0', '9');
            if (k < 0)
            {
                return;
            }

            var p = i + k;
            i = Math.Max(ScanAt(text, p, i, raw), p + 1);
        }
    }

    /// <summary>Reads whatever starts with or around the digit at <paramref name="p"/>; returns where scanning resumes.</summary>
    private static int ScanAt(ReadOnlySpan<char> text, int p, int floor, List<Candidate> raw)
    {
        var wordStart = p;
        while (wordStart > floor && char.IsAsciiLetter(text[wordStart - 1]))
        {
            wordStart--;
        }

        if (wordStart == floor && floor > 0 && char.IsAsciiLetterOrDigit(text[floor - 1]) && floor == p)
        {
            return SkipToken(text, p); // the rest of a token already read
        }

        var hexStart = p;
        while (hexStart > 0 && p - hexStart < 36 && (char.IsAsciiHexDigit(text[hexStart - 1]) || text[hexStart - 1] == '-'))
        {
            hexStart--;
        }

        var hexEnd = p;
        while (hexEnd < text.Length && hexEnd - hexStart < 36 && (char.IsAsciiHexDigit(text[hexEnd]) || text[hexEnd] == '-'))
        {
            hexEnd++;
        }

        if (hexEnd - hexStart >= 36 &&
            (TokenRecognizers.TryUuid(text, hexStart, out var uuid) || TokenRecognizers.TryUuid(text, wordStart, out uuid)))
        {
            raw.Add(uuid);
            return uuid.End;
        }

        if (HasColonNear(text, p) && TokenRecognizers.TryIpv6(text, p, out var ip))
        {
            raw.Add(ip);
            return ip.End;
        }

        var cnpjStart = p;
        while (cnpjStart > 0 && p - cnpjStart < 17 && (char.IsAsciiLetterUpper(text[cnpjStart - 1]) || char.IsAsciiDigit(text[cnpjStart - 1]) ||
                                                      text[cnpjStart - 1] is '.' or '/' or '-'))
        {
            cnpjStart--;
        }

        if (text[cnpjStart..Math.Min(text.Length, cnpjStart + 18)].ContainsAnyInRange('A', 'Z') &&
            (TokenRecognizers.TryAlphanumericCnpj(text, wordStart, out var cnpj) ||
             (cnpjStart < wordStart && TokenRecognizers.TryAlphanumericCnpj(text, cnpjStart, out cnpj))))
        {
            raw.Add(cnpj);
            return cnpj.End;
        }

        if (TokenRecognizers.TryPlate(text, p, out var plate))
        {
            raw.Add(plate);
            return plate.End;
        }

        if (DateRecognizer.TryWritten(text, p, out var dateEnd, out var year))
        {
            var birth = DateRecognizer.Birth(text, p, dateEnd, year, NumberRecognizer.ContextOf(text, p, dates: true));
            if (birth.Type is not null)
            {
                raw.Add(birth);
            }

            return dateEnd;
        }

        if (wordStart < p)
        {
            if (!IsOcrPrefix(text[wordStart..p]))
            {
                return SkipToken(text, p); // digits glued to a word: a code, not personal data
            }

            return NumberRecognizer.Scan(text, wordStart, raw);
        }

        return NumberRecognizer.Scan(text, p, raw);
    }

    private static bool HasColonNear(ReadOnlySpan<char> text, int p)
    {
        var from = Math.Max(0, p - 5);
        var to = Math.Min(text.Length, p + 6);
        return text[from..to].Contains(':');
    }

    private static bool IsOcrPrefix(ReadOnlySpan<char> letters) => letters.Length <= 2 && !letters.ContainsAnyExcept("oOlI");

    private static int SkipToken(ReadOnlySpan<char> text, int p)
    {
        while (p < text.Length && char.IsAsciiLetterOrDigit(text[p]))
        {
            p++;
        }

        return p;
    }

    /// <summary>Keeps, among overlapping candidates, the higher score then the longer span; drops those under the threshold.</summary>
    private static void Resolve(List<Candidate> raw, List<Candidate> found, double threshold)
    {
        raw.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var cluster = new List<Candidate>();
        var kept = new List<Candidate>();
        var i = 0;
        while (i < raw.Count)
        {
            cluster.Clear();
            var end = raw[i].End;
            while (i < raw.Count && (cluster.Count == 0 || raw[i].Start < end))
            {
                cluster.Add(raw[i]);
                end = Math.Max(end, raw[i].End);
                i++;
            }

            if (cluster.Count > 1)
            {
                cluster.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : b.Length != a.Length ? b.Length.CompareTo(a.Length) : a.Start.CompareTo(b.Start));
            }

            kept.Clear();
            foreach (var c in cluster)
            {
                var overlaps = false;
                foreach (var k in kept)
                {
                    if (c.Start < k.End && k.Start < c.End)
                    {
                        overlaps = true;
                        break;
                    }
                }

                if (!overlaps)
                {
                    kept.Add(c);
                }
            }

            kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
            foreach (var c in kept)
            {
                if (c.Score >= threshold)
                {
                    found.Add(c);
                }
            }
        }
    }
}
