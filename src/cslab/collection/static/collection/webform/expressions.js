/* The web form's expression evaluator: the XLSForm/XPath subset of relevance, constraints,
 * calculations and dynamic defaults, in the XLSForm source syntax the server reads too.
 *
 *   ${name}            another question's value ("" when unanswered; a list for a repeat)
 *   .                  the question's own value
 *   'text' "text" 12.5 literals
 *   or and not()       = != < <= > >=   + - * div mod   unary -   ( )
 *   functions          selected selected-at count-selected string-length regex today now if
 *                      coalesce concat int number string boolean boolean-from-string true false
 *                      round floor ceiling abs pow contains starts-with ends-with substr
 *                      normalize-space count min max date date-time
 *
 * Values follow JavaRosa (ODK Collect's engine), the reference the server's evaluator
 * (collection/xpath.py) follows too; one table of cases (tests/collection/expression_cases.json)
 * is run through all three in CI. Answers are typed by their question, as JavaRosa types its
 * nodes: numbers for integer, decimal and range questions, dates for date and datetime
 * questions (days since 1970 in a numeric context, their ISO text otherwise), text for the
 * rest, a space-separated list for select_multiple. Text is a number only when it is a plain
 * decimal ("2024-05-01" and "1e3" are NaN), "=" compares as booleans if either side is one,
 * else as numbers if either side is a number, else as text; "<" and friends compare numbers.
 * regex() matches the whole value, as JavaRosa does; publishing refuses patterns that could
 * backtrack without end (browsers have no time limit for regular expressions).
 *
 * CslabExpressions.evaluate(expression, context) where context = {lookup(name), current,
 * type(name), currentType} (type: a question's XLSForm type; without it answers are text)
 * returns a string, number, boolean or date value (see isDateValue; toText gives its text); it
 * throws CslabExpressions.ExpressionError on syntax it does not know, so the form can fall back
 * (the server checks again).
 */
(function (root) {
  "use strict";

  function ExpressionError(message) {
    this.name = "ExpressionError";
    this.message = message;
  }
  ExpressionError.prototype = Object.create(Error.prototype);

  var OPERATOR_WORDS = { and: true, or: true, div: true, mod: true };
  var DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  var DAY_MS = 86400000;

  /* --- tokens ------------------------------------------------------------------------ */

  function tokenize(text) {
    var tokens = [];
    var index = 0;
    var match;
    while (index < text.length) {
      var rest = text.slice(index);
      var character = text.charAt(index);
      if (/\s/.test(character)) {
        index += 1;
      } else if ((match = /^\$\{\s*([A-Za-z_][\w.-]*)\s*\}/.exec(rest))) {
        tokens.push({ type: "reference", value: match[1] });
        index += match[0].length;
      } else if ((match = /^(\d+(\.\d*)?|\.\d+)/.exec(rest))) {
        tokens.push({ type: "number", value: parseFloat(match[0]) });
        index += match[0].length;
      } else if (character === "'" || character === '"') {
        var end = text.indexOf(character, index + 1);
        if (end < 0) {
          throw new ExpressionError("A text in quotes is not closed: " + text);
        }
        tokens.push({ type: "string", value: text.slice(index + 1, end) });
        index = end + 1;
      } else if ((match = /^(!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)/.exec(rest))) {
        tokens.push({ type: "operator", value: match[0] });
        index += match[0].length;
      } else if (character === ".") {
        tokens.push({ type: "current" });
        index += 1;
      } else if ((match = /^[A-Za-z_][\w:.-]*/.exec(rest))) {
        var word = match[0];
        // "a-b" without spaces between two names is a name in XPath; numbers end at "-".
        tokens.push({ type: "name", value: word });
        index += word.length;
      } else {
        throw new ExpressionError("Unknown character “" + character + "” in " + text);
      }
    }
    return tokens;
  }

  /* --- parser: precedence climbing into a small tree ----------------------------------- */

  function Parser(text) {
    this.text = text;
    this.tokens = tokenize(text);
    this.position = 0;
  }

  Parser.prototype.peek = function () {
    return this.tokens[this.position];
  };

  Parser.prototype.next = function () {
    var token = this.tokens[this.position];
    this.position += 1;
    return token;
  };

  Parser.prototype.isOperator = function (values) {
    var token = this.peek();
    if (!token) {
      return null;
    }
    if (token.type === "operator" && values.indexOf(token.value) >= 0) {
      return token.value;
    }
    if (token.type === "name" && OPERATOR_WORDS[token.value] && values.indexOf(token.value) >= 0) {
      return token.value;
    }
    return null;
  };

  Parser.prototype.expect = function (value) {
    var token = this.next();
    if (!token || token.type !== "operator" || token.value !== value) {
      throw new ExpressionError("Expected “" + value + "” in " + this.text);
    }
  };

  Parser.prototype.parse = function () {
    if (!this.tokens.length) {
      throw new ExpressionError("The expression is empty.");
    }
    var tree = this.binary(0);
    if (this.position < this.tokens.length) {
      throw new ExpressionError("Unexpected “" + (this.peek().value || ".") + "” in " + this.text);
    }
    return tree;
  };

  var LEVELS = [["or"], ["and"], ["=", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "div", "mod"]];

  Parser.prototype.binary = function (level) {
    if (level >= LEVELS.length) {
      return this.unary();
    }
    var left = this.binary(level + 1);
    var operator;
    while ((operator = this.isOperator(LEVELS[level]))) {
      this.next();
      left = { type: "binary", operator: operator, left: left, right: this.binary(level + 1) };
    }
    return left;
  };

  Parser.prototype.unary = function () {
    if (this.isOperator(["-"])) {
      this.next();
      return { type: "negate", operand: this.unary() };
    }
    return this.primary();
  };

  Parser.prototype.primary = function () {
    var token = this.next();
    if (!token) {
      throw new ExpressionError("The expression ends too early: " + this.text);
    }
    if (token.type === "number" || token.type === "string") {
      return { type: "literal", value: token.value };
    }
    if (token.type === "reference") {
      return { type: "reference", name: token.value };
    }
    if (token.type === "current") {
      return { type: "current" };
    }
    if (token.type === "operator" && token.value === "(") {
      var inner = this.binary(0);
      this.expect(")");
      return inner;
    }
    if (token.type === "name" && this.isOperator(["("])) {
      this.next();
      var args = [];
      if (!this.isOperator([")"])) {
        args.push(this.binary(0));
        while (this.isOperator([","])) {
          this.next();
          args.push(this.binary(0));
        }
      }
      this.expect(")");
      return { type: "call", name: token.value, args: args };
    }
    throw new ExpressionError("Unexpected “" + (token.value || ".") + "” in " + this.text);
  };

  /* --- values ------------------------------------------------------------------------- */

  function isList(value) {
    return Object.prototype.toString.call(value) === "[object Array]";
  }

  /* A date or date-time: `days` since 1970-01-01 (the wall-clock time's fraction of the day
   * for a date-time, as JavaRosa counts it on the device) and its ISO `text`. */
  function DateValue(days, text) {
    this.days = days;
    this.text = text;
  }

  function isDateValue(value) {
    return value instanceof DateValue;
  }

  function dateFromDays(days) {
    var moment = new Date(Math.floor(days) * DAY_MS);
    return new DateValue(
      Math.floor(days),
      pad(moment.getUTCFullYear(), 4) + "-" + pad(moment.getUTCMonth() + 1) + "-" +
        pad(moment.getUTCDate())
    );
  }

  /* A date value from ISO text, or null when the text is not a date. */
  function dateFromText(text) {
    var match = DATE.exec(String(text).trim());
    if (!match) {
      return null;
    }
    var wall = Date.UTC(+match[1], +match[2] - 1, +match[3], +(match[4] || 0), +(match[5] || 0),
      +(match[6] || 0));
    return isNaN(wall) ? null : new DateValue(wall / DAY_MS, String(text).trim());
  }

  var NUMBER_TYPES = { integer: true, decimal: true, range: true };
  var DATE_TYPES = { date: true, datetime: true, dateTime: true };

  /* An answer as JavaRosa sees it, from its text (or list) and its question's type. */
  function typed(value, type) {
    if (value === undefined || value === null) {
      return "";
    }
    if (isList(value)) {
      if (type === "select_multiple") {
        return value.map(toText).join(" ");
      }
      return value.map(function (item) {
        return typed(item, type);
      });
    }
    if (typeof value !== "string" || value === "" || !type) {
      return value;
    }
    if (NUMBER_TYPES[type]) {
      var number = toNumber(value);
      return isNaN(number) ? value : number;
    }
    if (DATE_TYPES[type]) {
      return dateFromText(value) || value;
    }
    return value;
  }

  function numberText(value) {
    if (isNaN(value)) {
      return "NaN";
    }
    if (!isFinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    // Whole numbers without a decimal point, others in the shortest form that reads back.
    return String(value);
  }

  function toText(value) {
    if (value === null || value === undefined) {
      return "";
    }
    if (isList(value)) {
      return value.length ? toText(value[0]) : "";
    }
    if (typeof value === "boolean") {
      return value ? "true" : "false";
    }
    if (typeof value === "number") {
      return numberText(value);
    }
    if (value instanceof DateValue) {
      return value.text;
    }
    if (value instanceof Date) {
      return isoDateTime(value);
    }
    return String(value);
  }

  function toNumber(value) {
    if (typeof value === "number") {
      return value;
    }
    if (typeof value === "boolean") {
      return value ? 1 : 0;
    }
    if (value instanceof DateValue) {
      return value.days;
    }
    var text = toText(value).trim();
    // Only plain decimals are numbers: "2024-05-01", "1e3" and "+5" are NaN, as in JavaRosa.
    if (/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) {
      return parseFloat(text);
    }
    return NaN;
  }

  function toBoolean(value) {
    if (typeof value === "boolean") {
      return value;
    }
    if (typeof value === "number") {
      return value !== 0 && !isNaN(value);
    }
    if (isList(value)) {
      return value.length > 0;
    }
    if (value instanceof DateValue) {
      return true;
    }
    return toText(value) !== "";
  }

  function compare(operator, left, right) {
    // XPath 1.0: a comparison with a list holds when it holds for one of its items.
    if (isList(left) && typeof right !== "boolean") {
      return left.some(function (item) { return compare(operator, item, right); });
    }
    if (isList(right) && typeof left !== "boolean") {
      return right.some(function (item) { return compare(operator, left, item); });
    }
    if (operator === "=" || operator === "!=") {
      var equal;
      if (typeof left === "boolean" || typeof right === "boolean") {
        equal = toBoolean(left) === toBoolean(right);
      } else if (typeof left === "number" || typeof right === "number") {
        equal = toNumber(left) === toNumber(right);
      } else {
        equal = toText(left) === toText(right);
      }
      return operator === "=" ? equal : !equal;
    }
    var a = toNumber(left);
    var b = toNumber(right);
    switch (operator) {
      case "<":
        return a < b;
      case "<=":
        return a <= b;
      case ">":
        return a > b;
      default:
        return a >= b;
    }
  }

  function pad(number, width) {
    var text = String(Math.abs(number));
    while (text.length < (width || 2)) {
      text = "0" + text;
    }
    return text;
  }

  function isoDate(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function isoDateTime(date) {
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    return (
      isoDate(date) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" +
      pad(date.getSeconds()) + "." + pad(date.getMilliseconds(), 3) + sign +
      pad(Math.floor(Math.abs(offset) / 60)) + ":" + pad(Math.abs(offset) % 60)
    );
  }

  function selectedValues(value) {
    if (isList(value)) {
      return value.map(toText);
    }
    return toText(value).split(/\s+/).filter(function (part) {
      return part !== "";
    });
  }

  function numbers(args) {
    var found = [];
    args.forEach(function (arg) {
      (isList(arg) ? arg : [arg]).forEach(function (item) {
        found.push(toNumber(item));
      });
    });
    return found;
  }

  var FUNCTIONS = {
    "true": function () { return true; },
    "false": function () { return false; },
    not: function (value) { return !toBoolean(value); },
    "boolean": function (value) { return toBoolean(value); },
    string: function (value) { return toText(value); },
    number: function (value) { return toNumber(value); },
    "int": function (value) {
      var number = toNumber(value);
      return isNaN(number) ? NaN : number < 0 ? Math.ceil(number) : Math.floor(number);
    },
    round: function (value, digits) {
      var places = digits === undefined ? 0 : toNumber(digits);
      var factor = Math.pow(10, places);
      return Math.round(toNumber(value) * factor) / factor;
    },
    floor: function (value) { return Math.floor(toNumber(value)); },
    ceiling: function (value) { return Math.ceil(toNumber(value)); },
    abs: function (value) { return Math.abs(toNumber(value)); },
    pow: function (base, exponent) { return Math.pow(toNumber(base), toNumber(exponent)); },
    // JavaRosa leaves empty answers out: max('', 2) is 2.
    min: function () {
      var found = numbers(Array.prototype.slice.call(arguments)).filter(isNumber);
      return found.length ? Math.min.apply(null, found) : NaN;
    },
    max: function () {
      var found = numbers(Array.prototype.slice.call(arguments)).filter(isNumber);
      return found.length ? Math.max.apply(null, found) : NaN;
    },
    selected: function (value, choice) {
      return selectedValues(value).indexOf(toText(choice).trim()) >= 0;
    },
    "selected-at": function (value, index) {
      var items = selectedValues(value);
      var at = toNumber(index);
      return isNaN(at) || at < 0 || Math.trunc(at) >= items.length ? "" : items[Math.trunc(at)];
    },
    "count-selected": function (value) { return selectedValues(value).length; },
    // A question outside any repeat is one node, answered or not.
    count: function (value) { return isList(value) ? value.length : 1; },
    "string-length": function (value) { return Array.from(toText(value)).length; },
    regex: function (value, pattern) {
      var expression;
      try {
        // The whole value must match, as in JavaRosa (Java's Matcher.matches()).
        expression = new RegExp("^(?:" + toText(pattern) + ")$");
      } catch (error) {
        throw new ExpressionError("The pattern “" + toText(pattern) + "” is not valid.");
      }
      return expression.test(toText(value));
    },
    "normalize-space": function (value) {
      return toText(value).trim().split(/\s+/).filter(Boolean).join(" ");
    },
    "boolean-from-string": function (value) {
      var text = toText(value).trim();
      return text === "true" || text === "1";
    },
    date: toDate,
    "date-time": toDate,
    contains: function (value, part) { return toText(value).indexOf(toText(part)) >= 0; },
    "starts-with": function (value, part) { return toText(value).indexOf(toText(part)) === 0; },
    "ends-with": function (value, part) {
      var text = toText(value);
      var end = toText(part);
      return text.slice(text.length - end.length) === end;
    },
    // ODK's substr(): 0-based start, optional exclusive end; negative positions count as 0.
    substr: function (value, start, end) {
      var characters = Array.from(toText(value));
      var from = toNumber(start);
      var to = end === undefined ? characters.length : toNumber(end);
      if (isNaN(from) || isNaN(to)) {
        return "";
      }
      return characters.slice(Math.max(Math.trunc(from), 0), Math.max(Math.trunc(to), 0)).join("");
    },
    concat: function () {
      return Array.prototype.slice.call(arguments).map(toText).join("");
    },
    coalesce: function (first, second) {
      return toText(first) !== "" ? first : second;
    },
    today: function () { return dateFromText(isoDate(new Date())); },
    now: function () { return dateFromText(isoDateTime(new Date())); },
  };

  function isNumber(value) {
    return !isNaN(value);
  }

  /* date(): a date from a date, its text, or a number of days since 1970. */
  function toDate(value) {
    if (isList(value)) {
      value = value.length ? value[0] : "";
    }
    if (value instanceof DateValue) {
      return value;
    }
    if (typeof value === "string") {
      if (value.trim() === "") {
        return "";
      }
      var parsed = dateFromText(value);
      if (parsed) {
        return parsed;
      }
      if (isNaN(toNumber(value))) {
        throw new ExpressionError("date(): “" + value + "” is not a date.");
      }
    }
    var days = toNumber(value);
    return isFinite(days) ? dateFromDays(days) : "";
  }

  /* --- evaluation --------------------------------------------------------------------- */

  function run(node, context) {
    switch (node.type) {
      case "literal":
        return node.value;
      case "reference": {
        var value = context.lookup ? context.lookup(node.name) : undefined;
        return typed(value, context.type ? context.type(node.name) : undefined);
      }
      case "current":
        return typed(context.current, context.currentType);
      case "negate":
        return -toNumber(run(node.operand, context));
      case "call":
        return call(node, context);
      default:
        return binary(node, context);
    }
  }

  function call(node, context) {
    if (node.name === "if") {
      if (node.args.length !== 3) {
        throw new ExpressionError("if() takes a condition and two values.");
      }
      return toBoolean(run(node.args[0], context))
        ? run(node.args[1], context)
        : run(node.args[2], context);
    }
    var implementation = Object.prototype.hasOwnProperty.call(FUNCTIONS, node.name)
      ? FUNCTIONS[node.name]
      : null;
    if (!implementation) {
      throw new ExpressionError("The web form does not know the function " + node.name + "().");
    }
    return implementation.apply(
      null,
      node.args.map(function (arg) {
        return run(arg, context);
      })
    );
  }

  function binary(node, context) {
    var operator = node.operator;
    if (operator === "or") {
      return toBoolean(run(node.left, context)) || toBoolean(run(node.right, context));
    }
    if (operator === "and") {
      return toBoolean(run(node.left, context)) && toBoolean(run(node.right, context));
    }
    var left = run(node.left, context);
    var right = run(node.right, context);
    switch (operator) {
      case "+":
        return toNumber(left) + toNumber(right);
      case "-":
        return toNumber(left) - toNumber(right);
      case "*":
        return toNumber(left) * toNumber(right);
      case "div":
        return toNumber(left) / toNumber(right);
      case "mod":
        return toNumber(left) % toNumber(right);
      default:
        return compare(operator, left, right);
    }
  }

  var parsed = {};

  function parse(expression) {
    var key = String(expression);
    if (!Object.prototype.hasOwnProperty.call(parsed, key)) {
      parsed[key] = new Parser(key).parse();
    }
    return parsed[key];
  }

  /* The names of the questions an expression refers to (to know what to recompute). */
  function references(expression) {
    var names = [];
    tokenize(String(expression)).forEach(function (token) {
      if (token.type === "reference" && names.indexOf(token.value) < 0) {
        names.push(token.value);
      }
    });
    return names;
  }

  root.CslabExpressions = {
    evaluate: function (expression, context) {
      return run(parse(expression), context || {});
    },
    check: function (expression, context) {
      return toBoolean(run(parse(expression), context || {}));
    },
    references: references,
    toText: toText,
    toNumber: toNumber,
    isDateValue: isDateValue,
    toBoolean: toBoolean,
    isoDate: isoDate,
    isoDateTime: isoDateTime,
    ExpressionError: ExpressionError,
  };
})(typeof self !== "undefined" ? self : globalThis);
