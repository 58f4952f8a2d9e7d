namespace Escala.Workloads.Pii;

/// <summary>
/// Reads a number as written — groups of digits joined by <c>. - / ( )</c>, white space or a line break, with the OCR
/// confusions o/O→0 and l/I→1 inside groups and a final X (RG) — and tries every stretch of it that starts and ends
/// at a white-space break (so "123.456.789-09" is only ever read whole) against each numeric type.
/// </summary>
internal static class NumberRecognizer
{
    private const int MaxGroups = 16;
    private const int MaxDigits = 64;

    /// <summary>Reads the number starting at <paramref name="start"/>; adds its candidates; returns where it ends.</summary>
    public static int Scan(ReadOnlySpan<char> text, int start, List<Candidate> found)
    {
        Span<NumberGroup> groups = stackalloc NumberGroup[MaxGroups];
        Span<char> digits = stackalloc char[MaxDigits + 24];
        var count = Parse(text, start, groups, digits, out var end);
        if (count == 0)
        {
            return end;
        }

        var plus = start > 0 && text[start - 1] == '+';
        var paren = start > 0 && text[start - 1] == '(';
        for (var a = 0; a < count; a++)
        {
            if (a > 0 && !groups[a - 1].SepHasSpace)
            {
                continue;
            }

            var context = -1;
            for (var b = a; b < count; b++)
            {
                if (b < count - 1 && !groups[b].SepHasSpace)
                {
                    continue;
                }

                var first = groups[a].DigitStart;
                var length = groups[b].DigitStart + groups[b].DigitCount - first;
                if (length > 19)
                {
                    break;
                }

                if (length < 3)
                {
                    continue; // no entity has fewer digits
                }

                if (context < 0)
                {
                    context = ContextOf(text, groups[a].Start);
                }

                var openParen = a == 0 ? paren : groups[a - 1].Sep == '(';
                var candidate = Classify(text, groups[a..(b + 1)], digits.Slice(first, length), context, a == 0 && plus, openParen);
                if (candidate.Type is not null)
                {
                    found.Add(candidate);
                }
            }
        }

        return end;
    }

    /// <summary>The label categories around <paramref name="position"/>, as a bit set: a table column's header, or the nearest label word.</summary>
    public static int ContextOf(ReadOnlySpan<char> text, int position, bool dates = false)
    {
        if (TableContext.TryHeader(text, position, dates, out var categories))
        {
            return categories;
        }

        var nearest = ContextWords.Nearest(text, position, dates: dates);
        return nearest == ContextCategory.None ? 0 : 1 << (int)nearest;
    }

    /// <summary>Labels of identifiers with check digits: digits under them that fail every rule are reported as nothing.</summary>
    private const int IdentifierLabels =
        (1 << (int)ContextCategory.Cpf) | (1 << (int)ContextCategory.Cnpj) | (1 << (int)ContextCategory.Cns) |
        (1 << (int)ContextCategory.Pis) | (1 << (int)ContextCategory.Titulo) | (1 << (int)ContextCategory.Renavam) |
        (1 << (int)ContextCategory.Cnh) | (1 << (int)ContextCategory.Card);

    private static bool Has(int context, ContextCategory category) => (context & (1 << (int)category)) != 0;

    private static int Parse(ReadOnlySpan<char> text, int pos, Span<NumberGroup> groups, Span<char> digits, out int end)
    {
        var count = 0;
        var nd = 0;
        end = pos;
        while (count < MaxGroups && nd < MaxDigits)
        {
            var groupStart = pos;
            var digitStart = nd;
            if (count > 0 && groups[count - 1].Sep == '-' && pos < text.Length && text[pos] is 'X' or 'x' or 'l' or 'I' or 'o' or 'O' &&
                (pos + 1 >= text.Length || !char.IsLetterOrDigit(text[pos + 1])))
            {
                digits[nd++] = text[pos] is 'X' or 'x' ? 'X' : text[pos] is 'o' or 'O' ? '0' : '1';
                pos++;
            }

            while (pos < text.Length && nd < MaxDigits + 20 && (nd == digitStart || digits[nd - 1] != 'X'))
            {
                var c = text[pos];
                if (char.IsAsciiDigit(c))
                {
                    digits[nd++] = c;
                }
                else if (IsOcrDigit(c) && (nd > digitStart || (pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1]))))
                {
                    digits[nd++] = c is 'o' or 'O' ? '0' : '1';
                }
                else
                {
                    break;
                }

                pos++;
            }

            if (nd > digitStart && pos < text.Length && text[pos] is 'X' or 'x' && (pos + 1 >= text.Length || !char.IsLetterOrDigit(text[pos + 1])))
            {
                digits[nd++] = 'X';
                pos++;
            }

            if (nd == digitStart || (pos < text.Length && (char.IsLetterOrDigit(text[pos]) && !IsOrdinal(text[pos]))))
            {
                // Empty, or glued to a word ("123abc"): the number ends before this group.
                nd = digitStart;
                if (count == 0)
                {
                    while (pos < text.Length && char.IsLetterOrDigit(text[pos]))
                    {
                        pos++;
                    }

                    end = Math.Max(pos, groupStart + 1);
                }

                break;
            }

            ref var group = ref groups[count++];
            group = new NumberGroup { Start = groupStart, End = pos, DigitStart = digitStart, DigitCount = nd - digitStart, Sep = '\0' };
            end = pos;

            // The separator: at most one punctuation mark, at most one line break, four characters in all.
            var sepStart = pos;
            char punct = '\0';
            var space = false;
            var lines = 0;
            while (pos < text.Length && pos - sepStart < 4)
            {
                var c = text[pos];
                if (c is ' ' or '\t' or '\u00A0')
                {
                    space = true;
                }
                else if (c == '\n')
                {
                    space = true;
                    lines++;
                }
                else if (c == '\r')
                {
                    space = true;
                }
                else if (c is '.' or '-' or '/' or ')' or '(' or ',' or '–' && punct == '\0')
                {
                    punct = c is '–' ? '-' : c;
                }
                else
                {
                    break;
                }

                pos++;
            }

            var continues = lines <= 1 && pos < text.Length && pos > sepStart &&
                            (char.IsAsciiDigit(text[pos]) || (IsOcrDigit(text[pos]) && pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1])) ||
                             (punct == '-' && text[pos] is 'X' or 'x' or 'l' or 'I' or 'o' or 'O' && (pos + 1 >= text.Length || !char.IsLetterOrDigit(text[pos + 1]))));
            if (!continues || (punct == '(' && text[pos - 1] != '(') || (punct == ')' && text[sepStart] != ')'))
            {
                break;
            }

            group.Sep = punct == '\0' ? ' ' : punct;
            group.SepHasSpace = space || punct == ','; // a comma may end a CSV cell: a place to cut, like white space
            group.SepEnd = pos;
        }

        return count;
    }

    private static bool IsOcrDigit(char c) => c is 'o' or 'O' or 'l' or 'I';

    private static bool IsOrdinal(char c) => c is 'º' or 'ª';

    private static Candidate Classify(
        ReadOnlySpan<char> text, ReadOnlySpan<NumberGroup> groups, ReadOnlySpan<char> d, int context, bool plus, bool openParen)
    {
        var start = groups[0].Start;
        var end = groups[^1].End;
        Span<char> shapeBuffer = stackalloc char[2 * MaxGroups];
        var shape = Shape(groups, shapeBuffer);
        var reference = Has(context, ContextCategory.Reference);
        var hasX = d[^1] == 'X';

        if (TryIp(text, groups, context, out var ip))
        {
            return ip;
        }

        if (TryDate(text, groups, d, shape, context, start, end, out var date))
        {
            return date;
        }

        if (hasX)
        {
            if (Has(context, ContextCategory.Account) && d.Length is >= 4 and <= 13 && groups.Length <= 2)
            {
                return new Candidate(PiiTypes.BankAccount, start, end, 0.9);
            }

            var xDigits = d[..^1];
            if (d.Length == 9 && CheckDigits.IsRgSp(d))
            {
                return new Candidate(PiiTypes.Rg, start, end, reference ? 0.2 : 1.0);
            }

            return Has(context, ContextCategory.Rg) && xDigits.Length is >= 5 and <= 9 && d.Length != 9
                ? new Candidate(PiiTypes.Rg, start, end, 0.8)
                : default;
        }

        var phoneStart = openParen && groups[0].Sep == ')' ? start - 1 : plus ? start - 1 : start;
        var phoneShaped = plus || (openParen && groups[0].Sep == ')') || IsPhoneShape(shape);
        var phone = PhoneNumbers.IsValid(d, countryCodeAllowed: true, out var areaCode);
        var phoneContext = Has(context, ContextCategory.Phone);

        switch (d.Length)
        {
            case 14:
                if (CheckDigits.IsCnpj(d))
                {
                    return new Candidate(PiiTypes.Cnpj, start, end, reference ? 0.2 : shape.SequenceEqual("2.3.3/4-2") || Has(context, ContextCategory.Cnpj) ? 1.0 : 0.9);
                }

                break;
            case 15:
                if (CheckDigits.IsCns(d))
                {
                    return new Candidate(PiiTypes.Cns, start, end, reference ? 0.2 : shape.SequenceEqual("3 4 4 4") || Has(context, ContextCategory.Cns) ? 1.0 : 0.9);
                }

                break;
            case 11:
                {
                    var cpf = CheckDigits.IsCpf(d);
                    var pis = CheckDigits.IsPis(d);
                    var cnh = CheckDigits.IsCnh(d);
                    var renavam = CheckDigits.IsRenavam(d);
                    if (shape.SequenceEqual("3.3.3-2") && cpf)
                    {
                        return new Candidate(PiiTypes.Cpf, start, end, reference ? 0.3 : 1.0);
                    }

                    if (shape.SequenceEqual("3.5.2-1") && pis)
                    {
                        return new Candidate(PiiTypes.Pis, start, end, reference ? 0.3 : 1.0);
                    }

                    if ((Has(context, ContextCategory.Cpf) || Has(context, ContextCategory.Cnpj)) && cpf)
                    {
                        return new Candidate(PiiTypes.Cpf, start, end, 1.0);
                    }

                    if (Has(context, ContextCategory.Pis) && pis)
                    {
                        return new Candidate(PiiTypes.Pis, start, end, 1.0);
                    }

                    if (Has(context, ContextCategory.Cnh) && cnh)
                    {
                        return new Candidate(PiiTypes.Cnh, start, end, 1.0);
                    }

                    if (Has(context, ContextCategory.Renavam) && renavam)
                    {
                        return new Candidate(PiiTypes.Renavam, start, end, 1.0);
                    }

                    if (phone && phoneContext)
                    {
                        return new Candidate(PiiTypes.Phone, phoneStart, end, 1.0);
                    }

                    if (reference || (context & IdentifierLabels) != 0)
                    {
                        // Labelled as something these digits fail to be (a CPF label over an invalid CPF): never report.
                        return reference ? new Candidate(PiiTypes.Cpf, start, end, 0.1) : default;
                    }

                    if (cpf && !phoneShaped)
                    {
                        return new Candidate(PiiTypes.Cpf, start, end, context == 0 ? 0.85 : 0.7);
                    }

                    if (phone)
                    {
                        return new Candidate(PiiTypes.Phone, phoneStart, end, phoneShaped ? 0.85 : cpf ? 0.5 : 0.6);
                    }

                    if (cpf)
                    {
                        return new Candidate(PiiTypes.Cpf, start, end, 0.7);
                    }

                    return pis ? new Candidate(PiiTypes.Pis, start, end, 0.4)
                        : cnh ? new Candidate(PiiTypes.Cnh, start, end, 0.4)
                        : renavam ? new Candidate(PiiTypes.Renavam, start, end, 0.4)
                        : default;
                }
            case 12:
                if (CheckDigits.IsTituloEleitor(d) && !(phone && (phoneShaped || phoneContext)))
                {
                    var spaced = shape.SequenceEqual("4 4 4") || shape.SequenceEqual("4.4.4") || shape.SequenceEqual("8 2 2") || shape.SequenceEqual("10/2");
                    return new Candidate(PiiTypes.TituloEleitor, start, end,
                        reference ? 0.2 : Has(context, ContextCategory.Titulo) ? 1.0 : spaced ? 0.8 : 0.45);
                }

                break;
            case 9 when CheckDigits.IsRgSp(d) && (Has(context, ContextCategory.Rg) || shape.SequenceEqual("2.3.3-1")):
                return new Candidate(PiiTypes.Rg, start, end, reference ? 0.2 : Has(context, ContextCategory.Rg) ? 1.0 : 0.75);
            case 9 when Has(context, ContextCategory.Renavam) && CheckDigits.IsRenavam($"00{d}"):
                return new Candidate(PiiTypes.Renavam, start, end, 1.0);
            case 8 when shape.SequenceEqual("5-3") || shape.SequenceEqual("2.3-3"):
                if (!phoneContext)
                {
                    return new Candidate(PiiTypes.Cep, start, end, reference ? 0.2 : Has(context, ContextCategory.Cep) ? 1.0 : 0.65);
                }

                break;
            case 8 when Has(context, ContextCategory.Cep) && groups.Length == 1:
                return new Candidate(PiiTypes.Cep, start, end, 0.9);
        }

        if (d.Length is >= 3 and <= 13 && groups.Length <= 2 && !shape.Contains(','))
        {
            if (Has(context, ContextCategory.Agency) && d.Length <= 6)
            {
                return new Candidate(PiiTypes.BankAgency, start, end, 0.9);
            }

            if (Has(context, ContextCategory.Account) && d.Length >= 4)
            {
                return new Candidate(PiiTypes.BankAccount, start, end, 0.9);
            }
        }

        if (phone && !reference && (phoneContext || (phoneShaped && areaCode)))
        {
            return new Candidate(PiiTypes.Phone, phoneStart, end, phoneContext ? 1.0 : 0.85);
        }

        if (d.Length >= 13 && CheckDigits.IsLuhn(d) && IsCardPrefix(d) && !shape.ContainsAny('/', ')', '(') &&
            (context & IdentifierLabels & ~(1 << (int)ContextCategory.Card)) == 0)
        {
            var grouped = shape.SequenceEqual("4 4 4 4") || shape.SequenceEqual("4-4-4-4") || shape.SequenceEqual("4.4.4.4") ||
                          shape.SequenceEqual("4 6 5") || shape.SequenceEqual("4 6 4") || shape.SequenceEqual("4 4 4 4 3");
            return new Candidate(PiiTypes.CreditCard, start, end,
                reference ? 0.2 : Has(context, ContextCategory.Card) || grouped ? 1.0 : 0.85);
        }

        if (Has(context, ContextCategory.Rg) && d.Length is >= 5 and <= 10 && d.Length != 9 && !reference)
        {
            return new Candidate(PiiTypes.Rg, start, end, 0.8);
        }

        if (phone && !reference)
        {
            var score = phoneContext ? 1.0 : !phoneShaped ? 0.4 : areaCode ? 0.85 : 0.45;
            return new Candidate(PiiTypes.Phone, phoneStart, end, score);
        }

        return default;
    }

    private static bool IsPhoneShape(ReadOnlySpan<char> shape) =>
        shape.SequenceEqual("2 5-4") || shape.SequenceEqual("2 4-4") || shape.SequenceEqual("2 5 4") || shape.SequenceEqual("2 4 4") ||
        shape.SequenceEqual("5-4") || shape.SequenceEqual("4-4") || shape.SequenceEqual("2 9") || shape.SequenceEqual("2 8") ||
        shape.SequenceEqual("3 4-4") || shape.SequenceEqual("3 4 4") || shape.SequenceEqual("2-5-4") || shape.SequenceEqual("2-4-4") ||
        shape.SequenceEqual("2 2 5-4") || shape.SequenceEqual("2 2 4-4") || shape.SequenceEqual("2 2 5 4") || shape.SequenceEqual("2 2 4 4") ||
        shape.SequenceEqual("1 4-4") || shape.SequenceEqual("2 1 4-4") || shape.SequenceEqual("2 1 4 4") || shape.SequenceEqual("5 4") ||
        shape.SequenceEqual("2.5-4") || shape.SequenceEqual("2.4-4") || shape.SequenceEqual("2 5.4") || shape.SequenceEqual("2 4.4");

    /// <summary>Issuer prefixes of ISO/IEC 7812 in use in Brazil: Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37, Diners 30/36/38, Elo/Discover/Hipercard 6, JCB 35.</summary>
    private static bool IsCardPrefix(ReadOnlySpan<char> d) => d.Length switch
    {
        13 => d[0] == '4',
        14 => d[0] == '3',
        15 => d[0] == '3',
        _ => d[0] is '3' or '4' or '5' or '6' || (d[0] == '2' && int.Parse(d[..4]) is >= 2221 and <= 2720),
    };

    private static ReadOnlySpan<char> Shape(ReadOnlySpan<NumberGroup> groups, Span<char> buffer)
    {
        var n = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            var length = groups[i].DigitCount;
            buffer[n++] = length < 10 ? (char)('0' + length) : length == 10 ? '1' : (char)('A' + length - 10);
            if (length == 10)
            {
                buffer[n++] = '0';
            }

            if (i < groups.Length - 1)
            {
                buffer[n++] = groups[i].Sep == '(' ? ' ' : groups[i].Sep;
            }
        }

        return buffer[..n];
    }

    private static bool TryIp(ReadOnlySpan<char> text, ReadOnlySpan<NumberGroup> groups, int context, out Candidate candidate)
    {
        candidate = default;
        if (groups.Length != 4)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            var g = groups[i];
            if (g.DigitCount is < 1 or > 3 || (i < 3 && (g.Sep != '.' || g.SepHasSpace)) ||
                !int.TryParse(text[g.Start..g.End], out var value) || value > 255)
            {
                return false;
            }
        }

        candidate = new Candidate(PiiTypes.IpAddress, groups[0].Start, groups[3].End,
            Has(context, ContextCategory.Reference) ? 0.3 : Has(context, ContextCategory.Ip) ? 1.0 : 0.85);
        return true;
    }

    private static bool TryDate(
        ReadOnlySpan<char> text, ReadOnlySpan<NumberGroup> groups, ReadOnlySpan<char> d, ReadOnlySpan<char> shape, int context,
        int start, int end, out Candidate candidate)
    {
        candidate = default;
        if (groups.Length != 3 || groups[0].Sep != groups[1].Sep || groups[0].Sep is not ('/' or '-' or '.') || groups[0].SepHasSpace ||
            groups[1].SepHasSpace)
        {
            return false;
        }

        int day, month, year;
        var l0 = groups[0].DigitCount;
        var l1 = groups[1].DigitCount;
        var l2 = groups[2].DigitCount;
        if (l0 == 4 && l1 is 1 or 2 && l2 is 1 or 2 && groups[0].Sep == '-')
        {
            year = int.Parse(d[..4]);
            month = int.Parse(d.Slice(4, l1));
            day = int.Parse(d.Slice(4 + l1, l2));
        }
        else if (l0 is 1 or 2 && l1 is 1 or 2 && l2 is 2 or 4)
        {
            day = int.Parse(d[..l0]);
            month = int.Parse(d.Slice(l0, l1));
            year = int.Parse(d.Slice(l0 + l1, l2));
            if (l2 == 2)
            {
                year += year > 30 ? 1900 : 2000;
            }
        }
        else
        {
            return false;
        }

        _ = shape;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), month))
        {
            return true; // a date-shaped number that is no date: not an identifier either
        }

        _ = context;
        candidate = DateRecognizer.Birth(text, start, end, year, ContextOf(text, start, dates: true));
        return true;
    }
}
