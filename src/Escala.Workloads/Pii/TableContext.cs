namespace Escala.Workloads.Pii;

/// <summary>
/// Context from a table: when a value sits in a row of cells split by <c>|</c>, <c>;</c>, tabs or commas (CSV), the header cell of
/// its column names it ("Data de Nascimento" over a column of dates). The header is the nearest line above with the
/// same separator whose cells carry label words.
/// </summary>
internal static class TableContext
{
    private const int MaxLinesUp = 60;
    private const int MaxLineChars = 2048;
    private static readonly System.Buffers.SearchValues<char> Separators = System.Buffers.SearchValues.Create("|;\t");

    /// <summary>Whether the line holding <paramref name="position"/> is a table row, and the bit set of categories its column's header names.</summary>
    public static bool TryHeader(ReadOnlySpan<char> text, int position, bool dates, out int categories)
    {
        categories = 0;
        var floor = Math.Max(0, position - MaxLineChars);
        var lineStart = text[floor..position].LastIndexOf('\n') + 1 + floor;
        var lineEndRel = text[position..Math.Min(text.Length, position + MaxLineChars)].IndexOf('\n');
        var lineEnd = lineEndRel < 0 ? Math.Min(text.Length, position + MaxLineChars) : position + lineEndRel;
        var line = text[lineStart..lineEnd];
        if (line.IndexOfAny(Separators) < 0)
        {
            return TryCommaHeader(text, lineStart, line, position, out categories);
        }

        var separator = SeparatorOf(line);
        if (separator == '\0')
        {
            return false;
        }

        var column = text[lineStart..position].Count(separator);
        var cellStart = text[lineStart..position].LastIndexOf(separator) + 1 + lineStart;

        // A label inside the value's own cell ("CPF: 123…") speaks first.
        var own = ContextWords.Nearest(text, position, position - cellStart, sameLine: true, dates: dates);
        if (own != ContextCategory.None)
        {
            categories = 1 << (int)own;
            return true;
        }

        var end = lineStart - 1;
        for (var up = 0; up < MaxLinesUp && end > 0; up++)
        {
            var lineFloor = Math.Max(0, end - MaxLineChars);
            var start = text[lineFloor..end].LastIndexOf('\n') + 1 + lineFloor;
            var candidate = text[start..end];
            end = start - 1;
            if (candidate.IndexOf(separator) < 0)
            {
                if (candidate.Trim().Length == 0)
                {
                    continue;
                }

                return true; // the table started below this line: no header
            }

            var cell = Cell(candidate, separator, column);
            var found = ContextWords.CategoriesIn(cell);
            if (found != 0)
            {
                categories = found;
                return true;
            }

            if (LooksLikeHeader(candidate))
            {
                return true;
            }
        }

        return true;
    }

    /// <summary>
    /// A comma-separated table (CSV): only when the header line above — the first of a run of lines with exactly as
    /// many commas, and without digits — names the value's column; otherwise prose with commas, and no answer.
    /// </summary>
    private static bool TryCommaHeader(ReadOnlySpan<char> text, int lineStart, ReadOnlySpan<char> line, int position, out int categories)
    {
        categories = 0;
        var commas = line.Count(',');
        if (commas < 2)
        {
            return false;
        }

        var column = text[lineStart..position].Count(',');
        var end = lineStart - 1;
        for (var up = 0; up < MaxLinesUp && end > 0; up++)
        {
            var lineFloor = Math.Max(0, end - MaxLineChars);
            var start = text[lineFloor..end].LastIndexOf('\n') + 1 + lineFloor;
            var candidate = text[start..end].TrimEnd('\r');
            end = start - 1;
            if (candidate.Count(',') != commas)
            {
                return false;
            }

            if (LooksLikeHeader(candidate))
            {
                categories = ContextWords.CategoriesIn(Cell(candidate, ',', column));
                return categories != 0;
            }
        }

        return false;
    }

    private static char SeparatorOf(ReadOnlySpan<char> line)
    {
        if (line.Count('|') >= 2)
        {
            return '|';
        }

        if (line.Count('\t') >= 1)
        {
            return '\t';
        }

        return line.Count(';') >= 1 ? ';' : '\0';
    }

    private static ReadOnlySpan<char> Cell(ReadOnlySpan<char> line, char separator, int column)
    {
        var index = 0;
        var start = 0;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i == line.Length || line[i] == separator)
            {
                if (index == column)
                {
                    return line[start..i];
                }

                index++;
                start = i + 1;
            }
        }

        return [];
    }

    /// <summary>A header row has letters and no digits (a data row above without labels ends nothing).</summary>
    private static bool LooksLikeHeader(ReadOnlySpan<char> line) =>
        !line.ContainsAnyInRange('0', '9') && line.ContainsAnyInRange('A', 'z');
}
