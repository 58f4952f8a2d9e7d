namespace Escala.Configuration.Binding;

/// <summary>The valid key closest to a mistyped or misplaced one (<c>concurency</c> → <c>concurrency</c>).</summary>
internal static class Nearest
{
    /// <summary>
    /// What <paramref name="typed"/> probably meant inside <paramref name="section"/>: the closest key of the section
    /// within a few edits (ignoring case), else the closest keys deeper down (<c>queues:NAME:concurrency</c>, at most
    /// three), else nothing.
    /// </summary>
    public static IReadOnlyList<string> Keys(string typed, Type section)
    {
        var here = Closest(typed, OptionKeys.Of(section).Select(OptionKeys.Name).Select(k => (k, k)));
        return here.Count > 0 ? here.Take(1).ToArray() : Closest(typed, Deeper(section, "", 0)).Take(3).ToArray();
    }

    /// <summary>Candidates (<c>Last</c> compared, <c>Path</c> returned) at the least distance, if within the limit.</summary>
    private static List<string> Closest(string typed, IEnumerable<(string Last, string Path)> candidates)
    {
        var limit = Math.Clamp(typed.Length / 3, 1, 3);
        var scored = candidates
            .Select(c => (c.Path, Distance: Distance(typed.ToLowerInvariant(), c.Last.ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .ToList();
        return scored.Count == 0
            ? []
            : scored.Where(c => c.Distance == scored.Min(s => s.Distance)).Select(c => c.Path).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every key below the section's own keys, with dictionary entries written <c>NAME</c>.</summary>
    private static IEnumerable<(string Last, string Path)> Deeper(Type type, string prefix, int depth)
    {
        if (depth > 4)
        {
            yield break;
        }

        foreach (var property in OptionKeys.Of(type))
        {
            var name = OptionKeys.Name(property);
            var path = OptionKeys.Join(prefix, name);
            if (depth > 0)
            {
                yield return (name, path);
            }

            var inner = OptionKeys.DictionaryValue(property.PropertyType) is { } entry ? (entry, path + ":NAME") : (property.PropertyType, path);
            if (OptionKeys.IsSection(inner.Item1))
            {
                foreach (var key in Deeper(inner.Item1, inner.Item2, depth + 1))
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) from <paramref name="a"/> to <paramref name="b"/>.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
