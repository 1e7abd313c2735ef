"""The core of the drawing apps: everything about a drawing that needs no screen.

One core, two faces: numpy_cnn.gui (a Tk window on the desktop) and numpy_cnn.web (a page in
a browser, served by FastAPI) both call these modules; neither computes what the other does.

- predictor: find the weights; Predictor turns a picture into a Prediction (digit, probabilities,
             not a digit, unsure, and the 28x28 input the network read)
- drawing:   Drawing keeps the strokes and paints them into the PIL image the network reads
- heatmap:   where the 28x28 input (and a heatmap over it) lies over the drawing
- learner:   Watch it learn: a fresh network trained in a worker process, reporting as it goes
- teacher:   Teach it: fine-tune the network on the user's digits in a worker process
"""
