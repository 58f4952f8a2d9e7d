namespace Escala.Workloads.Pii.Corpus;

/// <summary>
/// Scores the detector against labelled documents. Span-exact: a prediction counts when a gold entity has the same
/// type, start and end. Overlap: when they share the type and at least one character (each gold and each
/// prediction counted once). F2 weighs recall four times precision: a missed CPF costs more than a masked protocol.
/// </summary>
public sealed class PiiEvaluator(PiiDetector detector, double threshold = PiiDefaults.Threshold)
{
    /// <summary>Evaluates every document and returns the report.</summary>
    public async Task<EvalReport> EvaluateAsync(IAsyncEnumerable<LabelledDocument> documents, Action<LabelledDocument, IReadOnlyList<PiiEntity>>? onDocument = null)
    {
        var report = new EvalReport();
        await foreach (var doc in documents)
        {
            var predicted = detector.Scan(doc.Text, threshold);
            onDocument?.Invoke(doc, predicted);
            Score(report, doc, predicted);
        }

        return report;
    }

    /// <summary>Evaluates documents already in memory.</summary>
    public EvalReport Evaluate(IEnumerable<LabelledDocument> documents)
    {
        var report = new EvalReport();
        foreach (var doc in documents)
        {
            Score(report, doc, detector.Scan(doc.Text, threshold));
        }

        return report;
    }

    private static void Score(EvalReport report, LabelledDocument doc, IReadOnlyList<PiiEntity> predicted)
    {
        report.Documents++;
        if (!report.ByLevel.TryGetValue(doc.Level, out var level))
        {
            report.ByLevel[doc.Level] = level = new TypeScore();
        }

        var perDoc = new Dictionary<string, TypeScore>(StringComparer.Ordinal);
        TypeScore Of(string type)
        {
            if (!perDoc.TryGetValue(type, out var score))
            {
                perDoc[type] = score = new TypeScore();
            }

            return score;
        }

        var overlapUsed = new bool[predicted.Count];
        foreach (var gold in doc.Entities)
        {
            var score = Of(gold.Type);
            score.Gold++;
            var exact = false;
            var overlap = false;
            for (var i = 0; i < predicted.Count; i++)
            {
                var p = predicted[i];
                if (p.Type != gold.Type)
                {
                    continue;
                }

                if (p.Start == gold.Start && p.End == gold.End)
                {
                    exact = true;
                }

                if (p.Start < gold.End && gold.Start < p.End)
                {
                    overlap = true;
                }
            }

            score.ExactHits += exact ? 1 : 0;
            score.OverlapHits += overlap ? 1 : 0;
        }

        for (var i = 0; i < predicted.Count; i++)
        {
            var p = predicted[i];
            var score = Of(p.Type);
            score.Predicted++;
            overlapUsed[i] = doc.Entities.Any(g => g.Type == p.Type && p.Start < g.End && g.Start < p.End);
            score.OverlapPredictedHits += overlapUsed[i] ? 1 : 0;
            if (PiiTypes.CheckDigitTypes.Contains(p.Type) && !CheckDigitsHold(p.Type, doc.Text.AsSpan((int)p.Start, (int)(p.End - p.Start))))
            {
                report.InvalidCheckDigits++;
            }
        }

        foreach (var (type, score) in perDoc)
        {
            if (!report.ByType.TryGetValue(type, out var total))
            {
                report.ByType[type] = total = new TypeScore();
            }

            total.Add(score);
            report.Micro.Add(score);
            level.Add(score);
        }
    }

    private static string Letters(ReadOnlySpan<char> written)
    {
        var kept = new System.Text.StringBuilder(written.Length);
        foreach (var c in written)
        {
            if (char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    /// <summary>Re-checks a reported value independently of how it was found: its digits (OCR letters read as digits) against its type's rule.</summary>
    public static bool CheckDigitsHold(string type, ReadOnlySpan<char> written)
    {
        Span<char> d = stackalloc char[written.Length];
        var n = 0;
        foreach (var c in written)
        {
            if (char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c) && type == PiiTypes.Cnpj && c is not ('O' or 'I'))
            {
                d[n++] = c;
            }
            else if (c is 'o' or 'O')
            {
                d[n++] = '0';
            }
            else if (c is 'l' or 'I')
            {
                d[n++] = '1';
            }
        }

        var digits = d[..n];
        return type switch
        {
            PiiTypes.Cpf => CheckDigits.IsCpf(digits),
            PiiTypes.Cnpj => CheckDigits.IsCnpj(digits) || CheckDigits.IsCnpj(Letters(written)),
            PiiTypes.Cns => CheckDigits.IsCns(digits),
            PiiTypes.Pis => CheckDigits.IsPis(digits),
            PiiTypes.TituloEleitor => CheckDigits.IsTituloEleitor(digits),
            PiiTypes.Renavam => CheckDigits.IsRenavam(digits.Length == 9 ? $"00{digits}" : digits),
            PiiTypes.Cnh => CheckDigits.IsCnh(digits),
            PiiTypes.CreditCard => CheckDigits.IsLuhn(digits),
            _ => true,
        };
    }
}
