import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.condition.EvaluationContext;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.core.model.instance.TreeReference;
import org.javarosa.xform.util.XFormUtils;
import org.javarosa.xpath.XPathNodeset;
import org.javarosa.xpath.XPathParseTool;
import org.javarosa.xpath.expr.XPathExpression;
import org.javarosa.xpath.expr.XPathFuncExpr;
import org.javarosa.xpath.expr.XPathPathExpr;

/**
 * Evaluates XPath expressions with JavaRosa (ODK Collect's engine), for the shared table of
 * expression cases (tests/collection/expression_cases.json).
 *
 * usage: java -cp ODK_Validate.jar:. EvaluateExpressions cases.tsv
 * Each line of cases.tsv is: form.xml TAB context-path-or-empty TAB expression (XPath paths,
 * not ${name}). Each output line is: kind TAB value, where kind is boolean, number, string,
 * date, nodeset or error.
 */
public class EvaluateExpressions {
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    Map<String, FormDef> forms = new HashMap<>();
    for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
      String[] parts = line.split("\t", 3);
      try {
        FormDef form = forms.get(parts[0]);
        if (form == null) {
          form = XFormUtils.getFormFromInputStream(new FileInputStream(parts[0]));
          form.initialize(true, new InstanceInitializationFactory());
          forms.put(parts[0], form);
        }
        // `.` is the question named in the second column, else the form's root.
        TreeReference context = parts[1].isEmpty()
            ? form.getMainInstance().getRoot().getRef()
            : ((XPathPathExpr) XPathParseTool.parseXPath(parts[1])).getReference();
        XPathExpression expression = XPathParseTool.parseXPath(parts[2]);
        Object value = expression.eval(
            form.getMainInstance(), new EvaluationContext(form.getEvaluationContext(), context));
        if (value instanceof XPathNodeset) {
          value = XPathFuncExpr.unpack(value);
        }
        out.println(describe(value));
      } catch (Throwable error) {
        out.println("error\t" + String.valueOf(error).replace('\n', ' ').replace('\t', ' '));
      }
    }
  }

  static String describe(Object value) {
    if (value instanceof Boolean) return "boolean\t" + value;
    if (value instanceof Double) {
      double number = (Double) value;
      if (Double.isNaN(number)) return "number\tNaN";
      if (Double.isInfinite(number)) return "number\t" + (number > 0 ? "Infinity" : "-Infinity");
      return "number\t" + Double.toString(number);
    }
    if (value instanceof Date) {
      return "date\t" + XPathFuncExpr.toString(value);
    }
    return "string\t" + String.valueOf(value);
  }
}
