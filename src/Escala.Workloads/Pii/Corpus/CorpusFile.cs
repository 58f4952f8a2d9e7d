using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Escala.Workloads.Pii.Corpus;

/// <summary>
/// Corpus files, one JSON document per line:
/// <c>{"id": "doc-1", "level": "clean", "text": "CPF 123…", "entities": [{"type": "cpf", "start": 4, "end": 18}]}</c>.
/// Offsets are half-open Unicode code points (Python string indexes) unless the line says <c>"offsets": "utf16"</c>.
/// On reading, <c>spans</c> or <c>labels</c> may stand for <c>entities</c>, <c>label</c> or <c>entity_type</c> for
/// <c>type</c>, and common type names (CPF, TELEFONE, PHONE_NUMBER, EMAIL_ADDRESS, DATA_NASCIMENTO, PLACA…) are mapped
/// to <see cref="PiiTypes"/>; an unknown type is kept as written (and so can only be missed).
/// </summary>
public static class CorpusFile
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["telefone"] = PiiTypes.Phone, ["phone_number"] = PiiTypes.Phone, ["celular"] = PiiTypes.Phone, ["tel"] = PiiTypes.Phone,
        ["email_address"] = PiiTypes.Email, ["e_mail"] = PiiTypes.Email,
        ["card"] = PiiTypes.CreditCard, ["cartao"] = PiiTypes.CreditCard, ["cartao_credito"] = PiiTypes.CreditCard,
        ["ip"] = PiiTypes.IpAddress, ["ipv4"] = PiiTypes.IpAddress, ["ipv6"] = PiiTypes.IpAddress,
        ["placa"] = PiiTypes.VehiclePlate, ["plate"] = PiiTypes.VehiclePlate, ["placa_veiculo"] = PiiTypes.VehiclePlate,
        ["data_nascimento"] = PiiTypes.BirthDate, ["date_of_birth"] = PiiTypes.BirthDate, ["dob"] = PiiTypes.BirthDate,
        ["nascimento"] = PiiTypes.BirthDate,
        ["titulo"] = PiiTypes.TituloEleitor, ["titulo_eleitoral"] = PiiTypes.TituloEleitor, ["voter_id"] = PiiTypes.TituloEleitor,
        ["pix"] = PiiTypes.PixKey, ["chave_pix"] = PiiTypes.PixKey,
        ["agencia"] = PiiTypes.BankAgency, ["conta"] = PiiTypes.BankAccount, ["conta_bancaria"] = PiiTypes.BankAccount,
        ["nis"] = PiiTypes.Pis, ["pis_pasep"] = PiiTypes.Pis, ["pasep"] = PiiTypes.Pis, ["nit"] = PiiTypes.Pis,
        ["cartao_sus"] = PiiTypes.Cns, ["sus"] = PiiTypes.Cns,
        ["rg_sp"] = PiiTypes.Rg, ["identidade"] = PiiTypes.Rg,
    };

    /// <summary>Maps a type name from another corpus to one of <see cref="PiiTypes"/> when it is a known alias.</summary>
    public static string NormalizeType(string type)
    {
        var key = type.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        return PiiTypes.IsKnown(key) ? key : Aliases.GetValueOrDefault(key, key);
    }

    /// <summary>Writes <paramref name="documents"/> as JSON lines with code-point offsets.</summary>
    public static async Task WriteAsync(TextWriter writer, IEnumerable<LabelledDocument> documents, CancellationToken ct = default)
    {
        foreach (var doc in documents)
        {
            var entities = new JsonArray();
            foreach (var span in doc.Entities)
            {
                var start = PiiDetector.CodePoints(doc.Text.AsSpan(0, span.Start));
                var end = start + PiiDetector.CodePoints(doc.Text.AsSpan(span.Start, span.End - span.Start));
                entities.Add(new JsonObject { ["type"] = span.Type, ["start"] = start, ["end"] = end });
            }

            var line = new JsonObject { ["id"] = doc.Id, ["level"] = doc.Level, ["text"] = doc.Text, ["entities"] = entities };
            await writer.WriteLineAsync(line.ToJsonString().AsMemory(), ct);
        }
    }

    /// <summary>Reads a corpus file; a malformed line throws <see cref="FormatException"/> naming its line number.</summary>
    public static async IAsyncEnumerable<LabelledDocument> ReadAsync(TextReader reader, bool utf16Offsets = false)
    {
        var number = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            LabelledDocument doc;
            try
            {
                doc = Parse(line, number, utf16Offsets);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException or IndexOutOfRangeException)
            {
                throw new FormatException($"line {number}: not a corpus document ({ex.GetType().Name}): expected {{\"text\": …, \"entities\": [{{\"type\", \"start\", \"end\"}}]}}", ex);
            }

            yield return doc;
        }
    }

    private static LabelledDocument Parse(string line, int number, bool utf16Offsets)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var text = root.GetProperty("text").GetString() ?? throw new InvalidOperationException("text is null");
        var id = root.TryGetProperty("id", out var idElement) ? idElement.ToString() : $"line-{number}";
        var level = root.TryGetProperty("level", out var levelElement) ? levelElement.ToString() : "";
        var utf16 = utf16Offsets || (root.TryGetProperty("offsets", out var offsets) && offsets.GetString() is "utf16" or "utf-16");
        var map = utf16 ? null : CodePointMap(text);
        var spans = new List<LabelledSpan>();
        foreach (var name in (ReadOnlySpan<string>)["entities", "spans", "labels"])
        {
            if (!root.TryGetProperty(name, out var list))
            {
                continue;
            }

            foreach (var e in list.EnumerateArray())
            {
                var type = e.TryGetProperty("type", out var t) ? t.GetString() : e.TryGetProperty("label", out var l) ? l.GetString()
                    : e.GetProperty("entity_type").GetString();
                var start = e.GetProperty("start").GetInt32();
                var end = e.GetProperty("end").GetInt32();
                if (map is not null)
                {
                    start = map[start];
                    end = map[end];
                }

                if (start < 0 || end > text.Length || start > end)
                {
                    throw new ArgumentException($"span {start}..{end} is outside the text");
                }

                spans.Add(new LabelledSpan(NormalizeType(type ?? ""), start, end));
            }

            break;
        }

        return new LabelledDocument(id, level, text, spans);
    }

    /// <summary>code point index → UTF-16 index, one entry per code point plus the end.</summary>
    private static int[] CodePointMap(string text)
    {
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            map.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
        }

        map.Add(text.Length);
        return map.ToArray();
    }

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
