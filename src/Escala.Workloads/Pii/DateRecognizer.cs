namespace Escala.Workloads.Pii;

/// <summary>
/// Dates of birth. A date is one only when its nearest label says so ("nascido em", "Data de Nascimento", "DN",
/// "nasc.") with no other event's word nearer ("nascido em Recife e admitido em 03/02/2015" is an admission date),
/// or when the header of its table column says so. Also reads dates written out: "3 de março de 1985".
/// </summary>
internal static class DateRecognizer
{
    private static readonly string[] Months =
        ["janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"];

    /// <summary>A birth-date candidate for the date at [start, end), or none when its context does not say birth.</summary>
    public static Candidate Birth(ReadOnlySpan<char> text, int start, int end, int year, int context)
    {
        _ = text;
        if ((context & (1 << (int)ContextCategory.Birth)) == 0 || year is < 1900 or > 2030)
        {
            return default;
        }

        return new Candidate(PiiTypes.BirthDate, start, end, 1.0);
    }

    /// <summary>Reads "3 de março de 1985" (also "03 de Março de 1985", "3 de mar. de 1985") at <paramref name="start"/>.</summary>
    public static bool TryWritten(ReadOnlySpan<char> text, int start, out int end, out int year)
    {
        end = start;
        year = 0;
        var pos = start;
        var dayDigits = 0;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]) && dayDigits < 3)
        {
            pos++;
            dayDigits++;
        }

        if (dayDigits is < 1 or > 2 || !SkipWord(text, ref pos, "de"))
        {
            return false;
        }

        var monthStart = pos;
        while (pos < text.Length && ContextWords.IsLetter(text[pos]))
        {
            pos++;
        }

        var month = FoldedMonth(text[monthStart..pos]);
        if (month < 0)
        {
            return false;
        }

        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
        }

        if (!SkipWord(text, ref pos, "de"))
        {
            return false;
        }

        var yearStart = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]) && pos - yearStart < 5)
        {
            pos++;
        }

        if (pos - yearStart != 4 || (pos < text.Length && char.IsLetterOrDigit(text[pos])))
        {
            return false;
        }

        year = int.Parse(text[yearStart..pos]);
        end = pos;
        return true;
    }

    private static bool SkipWord(ReadOnlySpan<char> text, ref int pos, string word)
    {
        var p = pos;
        if (p >= text.Length || text[p] != ' ')
        {
            return false;
        }

        p++;
        if (p + word.Length >= text.Length || !text.Slice(p, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase) ||
            text[p + word.Length] != ' ')
        {
            return false;
        }

        pos = p + word.Length + 1;
        return true;
    }

    private static int FoldedMonth(ReadOnlySpan<char> word)
    {
        if (word.Length is < 3 or > 9)
        {
            return -1;
        }

        Span<char> folded = stackalloc char[word.Length];
        for (var i = 0; i < word.Length; i++)
        {
            folded[i] = ContextWords.FoldChar(word[i]);
        }

        for (var m = 0; m < Months.Length; m++)
        {
            if (folded.SequenceEqual(Months[m]) || (folded.Length == 3 && Months[m].AsSpan().StartsWith(folded)))
            {
                return m;
            }
        }

        return -1;
    }
}
