using System.Collections.Frozen;

namespace Escala.Workloads.Pii;

/// <summary>
/// The Portuguese label words that give a candidate its meaning, and the search for the nearest one before a
/// position. Words are compared folded (lower case, accents removed), so "Habilitação" and "habilitacao" match.
/// </summary>
internal static class ContextWords
{
    /// <summary>How far back, in characters, a label still speaks for a value.</summary>
    public const int Window = 64;

    private static readonly FrozenDictionary<string, ContextCategory> Words = Build();
    private static readonly FrozenDictionary<string, ContextCategory>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Words.GetAlternateLookup<ReadOnlySpan<char>>();

    private static FrozenDictionary<string, ContextCategory> Build()
    {
        var map = new Dictionary<string, ContextCategory>(StringComparer.Ordinal);
        void Add(ContextCategory category, params string[] words)
        {
            foreach (var word in words)
            {
                map[word] = category;
            }
        }

        Add(ContextCategory.Cpf, "cpf", "cpfs", "cic");
        Add(ContextCategory.Cnpj, "cnpj", "cnpjs");
        Add(ContextCategory.Cns, "cns", "sus", "saude");
        Add(ContextCategory.Pis, "pis", "pasep", "nis", "nit", "pispasep");
        Add(ContextCategory.Titulo, "titulo", "eleitor", "eleitoral", "zona");
        Add(ContextCategory.Renavam, "renavam");
        Add(ContextCategory.Cnh, "cnh", "habilitacao", "motorista", "renach", "registro");
        Add(ContextCategory.Rg, "rg", "identidade", "geral", "ssp", "rgs", "ci");
        Add(ContextCategory.Cep, "cep", "postal", "rua", "avenida", "av", "bairro", "endereco", "residente", "domiciliado",
            "domiciliada", "logradouro", "travessa", "alameda", "rodovia");
        Add(ContextCategory.Phone, "tel", "telefone", "telefones", "fone", "fones", "celular", "celulares", "cel", "whatsapp",
            "whats", "zap", "wpp", "contato", "contatos", "ligar", "ligue", "liga", "fixo", "telefonar", "fax", "ramal", "movel",
            "retornar", "retorno", "ligacao", "numero", "discar");
        Add(ContextCategory.Card, "cartao", "credito", "debito", "visa", "mastercard", "master", "elo", "amex", "hipercard",
            "cartoes", "final");
        Add(ContextCategory.Plate, "placa", "placas", "veiculo", "carro", "moto", "automovel", "caminhao");
        Add(ContextCategory.Pix, "pix", "chave", "aleatoria", "evp");
        Add(ContextCategory.Agency, "agencia", "ag", "agencias");
        Add(ContextCategory.Account, "conta", "cc", "corrente", "poupanca", "contas");
        Add(ContextCategory.Bank, "banco", "bancarios", "bancaria");
        Add(ContextCategory.Email, "email", "mail", "correio");
        Add(ContextCategory.Ip, "ip", "ipv4", "ipv6");
        Add(ContextCategory.Birth, "nascimento", "nascido", "nascida", "nasceu", "nasc", "dn", "natalicio", "nasci", "nascidos", "idade",
            "aniversario");
        Add(ContextCategory.OtherDate, "admitido", "admitida", "admissao", "emissao", "emitido", "emitida", "expedicao",
            "expedido", "expedida", "validade", "vencimento", "venc", "vence", "valido", "casou", "casamento", "casada", "casado",
            "obito", "faleceu", "falecimento", "falecido", "demitido", "demissao", "desligamento", "contratado", "contratada",
            "contratacao", "formou", "formatura", "formado", "matriculado", "assinado", "assinada", "assinatura", "protocolado",
            "pagamento", "pago", "paga", "compra", "entrega", "consulta", "audiencia", "atendimento", "internacao", "alta",
            "inicio", "termino", "desde", "ate", "aposentou", "aposentadoria", "mudou", "chegou", "data", "datado", "datada",
            "hoje", "ocorrido", "ocorreu", "realizado", "realizada", "prazo", "agendado", "agendada", "posse", "vigencia",
            "cadastro", "cadastrado", "atualizado", "acesso", "login", "internado", "internada", "operado", "operada", "cirurgia",
            "exame", "vacinado", "vacinada", "vacina", "batizado", "batizada", "preso", "presa", "condenado", "julgado", "sentenca",
            "publicado", "publicada", "publicacao", "distribuido", "nomeado", "nomeada", "eleito", "viajou", "entrada", "saida",
            "evento", "embarque", "chegada", "partida", "transferido", "transferida", "divorcio", "separacao", "adocao");
        Add(ContextCategory.Reference, "protocolo", "pedido", "pedidos", "processo", "autos", "fiscal", "nf", "nfe", "boleto",
            "codigo", "cod", "ticket", "chamado", "rastreio", "rastreamento", "lote", "ocorrencia", "fatura", "contrato",
            "apolice", "sinistro", "sku", "serie", "serial", "transacao", "reserva", "localizador", "ordem", "guia", "nota",
            "barras", "matricula", "oab", "crm", "requerimento", "solicitacao", "bo", "versao", "build",
            "recibo", "comprovante", "nsu", "autorizacao", "id", "cupom", "tracking", "objeto", "encomenda", "pacote",
            "produto", "item", "ref", "referencia", "autenticacao", "chassi", "prontuario", "auto", "infracao");
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The nearest label word ending before <paramref name="position"/>, within <paramref name="window"/> characters
    /// and, when <paramref name="sameLine"/>, on the same line. Words that are no label are skipped.
    /// </summary>
    /// <remarks>
    /// The search stops at the start of the line unless the value opens its line (a label on the line above:
    /// "Data de nascimento:\n01/02/1980"). With <paramref name="dates"/>, only date words (birth and other events)
    /// count; otherwise those are skipped.
    /// </remarks>
    public static ContextCategory Nearest(ReadOnlySpan<char> text, int position, int window = Window, bool sameLine = false, bool dates = false)
    {
        var floor = Math.Max(0, position - window);
        var lineStart = text[floor..position].LastIndexOf('\n');
        if (lineStart >= 0 && !sameLine)
        {
            lineStart += floor;
            var opensLine = text[(lineStart + 1)..position].Trim().IsEmpty;
            if (!opensLine)
            {
                floor = lineStart + 1;
            }
            else
            {
                var previous = text[floor..lineStart].LastIndexOf('\n');
                floor = previous >= 0 ? floor + previous + 1 : floor;
            }
        }

        Span<char> folded = stackalloc char[24];
        var i = position - 1;
        var digits = 0;
        while (i >= floor)
        {
            var c = text[i];
            if (sameLine && c == '\n')
            {
                return ContextCategory.None;
            }

            if (!IsLetter(c))
            {
                // A birth label speaks for the first date after it: another date in between ("nasceu em 12/12/1950 e foi
                // internado em 01/03/2024") ends the search.
                if (dates && char.IsAsciiDigit(c) && ++digits >= 4)
                {
                    return ContextCategory.None;
                }

                i--;
                continue;
            }

            var end = i + 1;
            while (i >= 0 && IsLetter(text[i]))
            {
                i--;
            }

            var word = text[(i + 1)..end];
            if (word.Length > folded.Length)
            {
                continue;
            }

            var length = Fold(word, folded);
            if (Lookup.TryGetValue(folded[..length], out var category))
            {
                var isDate = category is ContextCategory.Birth or ContextCategory.OtherDate;
                if (isDate == dates)
                {
                    return category;
                }

                continue;
            }

            // "c/c" (conta corrente) and "d.n." (data de nascimento) are labels made of single letters.

            if (length == 1 && i >= 2 && (text[i] == '/' || text[i] == '.') && IsLetter(text[i - 1]) && !IsLetter(text[i - 2]))
            {
                Span<char> pair = [FoldChar(text[i - 1]), folded[0]];
                if (pair.SequenceEqual("cc") && !dates)
                {
                    return ContextCategory.Account;
                }

                if (pair.SequenceEqual("dn") && dates)
                {
                    return ContextCategory.Birth;
                }
            }
        }

        return ContextCategory.None;
    }

    /// <summary>Every category named by the words of <paramref name="cell"/> (a table header cell), as a bit set.</summary>
    public static int CategoriesIn(ReadOnlySpan<char> cell)
    {
        Span<char> folded = stackalloc char[24];
        var set = 0;

        // Initials such as "D.N." (data de nascimento) read as one word.
        var letters = 0;
        foreach (var c in cell)
        {
            if (IsLetter(c) && letters < folded.Length)
            {
                folded[letters++] = FoldChar(c);
            }
        }

        if (letters is >= 2 and <= 4 && Lookup.TryGetValue(folded[..letters], out var initials))
        {
            set |= 1 << (int)initials;
        }

        var i = 0;
        while (i < cell.Length)
        {
            if (!IsLetter(cell[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < cell.Length && IsLetter(cell[i]))
            {
                i++;
            }

            var word = cell[start..i];
            if (word.Length <= folded.Length && Lookup.TryGetValue(folded[..Fold(word, folded)], out var category))
            {
                set |= 1 << (int)category;
            }
        }

        return set;
    }

    public static bool IsLetter(char c) => char.IsAsciiLetter(c) || (c >= '\u00C0' && c <= '\u024F' && c != '\u00D7' && c != '\u00F7');

    private static int Fold(ReadOnlySpan<char> word, Span<char> into)
    {
        for (var k = 0; k < word.Length; k++)
        {
            into[k] = FoldChar(word[k]);
        }

        return word.Length;
    }

    public static char FoldChar(char c)
    {
        if (c < 128)
        {
            return char.ToLowerInvariant(c);
        }

        return char.ToLowerInvariant(c) switch
        {
            'á' or 'à' or 'â' or 'ã' or 'ä' => 'a',
            'é' or 'ê' or 'è' or 'ë' => 'e',
            'í' or 'î' or 'ì' or 'ï' => 'i',
            'ó' or 'ô' or 'õ' or 'ò' or 'ö' => 'o',
            'ú' or 'û' or 'ù' or 'ü' => 'u',
            'ç' => 'c',
            var other => other,
        };
    }
}
