"""The drawing app: draw a digit with the mouse and watch the network read it.

    numpy-cnn draw [--weights PATH]   (from the repository's root also: python -m gui)

The Tk face of numpy_cnn.app, whose core it shares with numpy_cnn.web (the browser's face):
there, app.predictor turns a picture into a Prediction and app.drawing keeps the strokes and
paints them into the PIL image the network reads.

Modules, from the model side to the screen:
- widgets:   the views of a Prediction: large digit, bars per class, the 28x28 input
- app:       App, the Tk window wiring canvas, Drawing, Predictor and views together
- training:  when there are no weights: run the training command and show its progress
- ctrl_c:    Ctrl-C in the terminal closes the app at once
- looks:     the controls under the canvas that open the looks inside the network:
             inside (every layer's output), heatmap ("why this answer" on the canvas),
             learn + app.learner (a fresh network trained in a process of its own); panels: their
             pictures
- teach:     under the answer: Correct it (save the drawing as the digit it is), Review
             (review: the saved digits), Teach it (app.teacher: fine-tune on them in a process of
             its own) and back to the shipped weights
- xvfb:      a virtual screen for the tests and the README screenshot
"""
